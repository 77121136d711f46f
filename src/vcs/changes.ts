import { failure } from '../errors.js';
import { VCS_OPTIONS, type Vcs } from './index.js';

/** One file in the change about to be committed, relative to the checkout's top with '/' separators. */
export interface Change {
  /** A added, M modified, D deleted (git), R removed (hg), T type changed … as the tool prints it. */
  status: string;
  path: string;
}

/** Whether a change brings a file that was not there before. */
export const isNew = (change: Change): boolean => change.status === 'A' || change.status === 'C';

/** Parses `git diff --name-status -z`: a status, then one path (two for renames and copies, the new one last). */
export function parseNameStatus(output: string): Change[] {
  const fields = output.split('\0');
  const changes: Change[] = [];
  for (let i = 0; i < fields.length && fields[i] !== ''; ) {
    const status = (fields[i] as string).charAt(0);
    const paths = status === 'R' || status === 'C' ? 2 : 1;
    const file = fields[i + paths] as string;
    // A rename brings a new path: for the rules it is an added file.
    changes.push({ status: status === 'R' ? 'A' : status, path: file });
    i += paths + 1;
  }
  return changes;
}

/** Parses `hg status -0`: "A path" entries separated by NUL. */
export function parseHgStatus(output: string): Change[] {
  return output
    .split('\0')
    .filter((entry) => entry.length > 2)
    .map((entry) => ({ status: entry.charAt(0), path: entry.slice(2) }));
}

// HGPLAIN: the user's aliases, colours and relative paths must not change what devdb parses.
const hg = async (vcs: Vcs, args: string[]) => (await import('execa')).execa('hg', args, { ...VCS_OPTIONS, cwd: vcs.top, env: { HGPLAIN: '1' }, reject: false });

/**
 * The transaction Mercurial is committing, when devdb runs as its pretxncommit hook:
 * HG_NODE names it, and HG_PENDING lets child hg processes see it.
 */
export const hookNode = (): string | undefined => (process.env.HG_HOOKTYPE === 'pretxncommit' ? process.env.HG_NODE : undefined);

/**
 * The change about to be committed: git's staged changes (the index, which `git commit -a`
 * and `git commit FILE` fill before the hook runs); Mercurial's pending changes, or the
 * commit's own files inside a pretxncommit hook.
 */
export async function pendingChanges(vcs: Vcs): Promise<Change[]> {
  if (vcs.kind === 'git') {
    const { execa } = await import('execa');
    const result = await execa('git', ['diff', '--cached', '--name-status', '--no-renames', '-z'], { ...VCS_OPTIONS, cwd: vcs.top });
    return parseNameStatus(result.stdout);
  }
  const node = hookNode();
  const result = await hg(vcs, node ? ['status', '--change', node, '-0'] : ['status', '-amr', '-0']);
  if (result.exitCode !== 0) throw failure(`hg status failed in ${vcs.top}; run it there to see why.`, String(result.stderr));
  return parseHgStatus(result.stdout);
}

/** Files under `folder` (relative to the top) that the commit will hold: git's index, Mercurial's manifest. */
export async function trackedFiles(vcs: Vcs, folder: string): Promise<string[]> {
  if (vcs.kind === 'git') {
    const { execa } = await import('execa');
    const result = await execa('git', ['ls-files', '-z', '--', folder], { ...VCS_OPTIONS, cwd: vcs.top });
    return result.stdout.split('\0').filter(Boolean);
  }
  const node = hookNode();
  // hg files exits 1 when nothing matches, which is an empty folder, not an error.
  const result = await hg(vcs, ['files', '-0', ...(node ? ['-r', node] : []), `path:${folder}`]);
  return result.stdout.split('\0').filter(Boolean);
}
