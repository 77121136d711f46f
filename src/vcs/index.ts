import path from 'node:path';
import fs from 'node:fs';
import { realFile } from '../engines/url.js';
import { usageError } from '../errors.js';

export type VcsKind = 'git' | 'hg';

/** The version control system a project lives in, and its top folder. */
export interface Vcs {
  kind: VcsKind;
  top: string;
}

/** Finds the git or Mercurial checkout holding `dir`. */
export function detectVcs(dir: string): Vcs | undefined {
  let current = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(current, '.git'))) return { kind: 'git', top: current };
    if (fs.existsSync(path.join(current, '.hg'))) return { kind: 'hg', top: current };
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** What every git and hg command devdb waits on gets: no terminal to prompt on, and a deadline (an archive of a large tree fits). */
export const VCS_OPTIONS = { stdin: 'ignore', timeout: 300_000 } as const;

/** Where devdb's Mercurial preupdate hook writes the branch being left (relative to the repository's top): the update hook runs after the checkout and cannot tell. */
export const HG_LEAVING = path.join('.hg', 'devdb-branch-before');

/** The committed revision devdb builds a base from: git HEAD, Mercurial ".". */
export const baseRevision = (vcs: Vcs): string => (vcs.kind === 'git' ? 'HEAD' : '.');

/** Whether `file` is committed (tracked and unchanged in the index/dirstate counts as committed). */
export async function isCommitted(vcs: Vcs, file: string): Promise<boolean> {
  const { execa } = await import('execa');
  if (vcs.kind === 'git') {
    const result = await execa('git', ['cat-file', '-e', `HEAD:${path.relative(realFile(vcs.top), realFile(file)).split(path.sep).join('/')}`], { ...VCS_OPTIONS, cwd: vcs.top, reject: false });
    return committed(result, file);
  }
  const result = await execa('hg', ['files', '-r', '.', '--', file], { ...VCS_OPTIONS, cwd: vcs.top, reject: false });
  return committed(result, file);
}

/** Whether the VCS said the file is committed; one that did not answer is an error, not a "no". */
function committed(result: { exitCode?: number; timedOut: boolean; command: string }, file: string): boolean {
  if (result.timedOut) throw usageError(`"${result.command}" did not answer within ${VCS_OPTIONS.timeout / 1000} s, so devdb cannot tell whether ${file} is committed; check the repository and run again.`);
  return result.exitCode === 0;
}

/** Writes the committed tree (of `revision`, by default the checkout's) into `dest` (a new folder), without touching the working copy. */
export async function exportCommitted(vcs: Vcs, dest: string, revision = baseRevision(vcs)): Promise<void> {
  const { execa } = await import('execa');
  await fs.promises.mkdir(dest, { recursive: true });
  if (vcs.kind === 'hg') {
    await execa('hg', ['archive', '-r', revision, '--type', 'files', dest], { ...VCS_OPTIONS, cwd: vcs.top });
    return;
  }
  const head = await execa('git', ['rev-parse', '--verify', '--quiet', revision], { ...VCS_OPTIONS, cwd: vcs.top, reject: false });
  if (head.exitCode !== 0) throw usageError(`The git repository ${vcs.top} has no commit yet; commit the code before your change, or use a development database as the base.`);
  const archive = execa('git', ['archive', '--format=tar', revision], { ...VCS_OPTIONS, cwd: vcs.top, encoding: 'buffer' });
  await archive.pipe('tar', ['-x', '-C', dest], { timeout: VCS_OPTIONS.timeout });
}
