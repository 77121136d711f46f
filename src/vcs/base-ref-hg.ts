import { failure, usageError } from '../errors.js';
import { readRevisionHeader, type RevisionHeader } from '../migration/chain.js';
import type { BaseRef } from './base-ref.js';
import { parseHgStatus } from './changes.js';
import { VCS_OPTIONS, type Vcs } from './index.js';

/** A string inside a revset, quoted as Mercurial's revset parser unquotes it (backslash escapes). */
export const revsetString = (text: string): string => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/**
 * The revsets devdb ci reads a Mercurial repository with. What was pushed is public, so the
 * target's tip is default's newest public changeset and the base is the newest of them this
 * checkout descends from: the parent of the branch's first changeset not in default's public
 * phase. A repository never pushed has no public changeset: then default's tip and its common
 * ancestor with the checkout.
 */
export const REVSETS = {
  publicTip: 'last(public() and branch("default"))',
  publicBase: 'last(public() and branch("default") and ancestors(.))',
  localTip: 'max(branch("default"))',
  /** The common ancestor of `node` (a full hash) and the checkout's parent. */
  mergeBase: (node: string): string => `ancestor(${node}, .)`,
  /** The changeset before the newest of the checkout's ancestors that added `file` (relative to the top). */
  beforeAdding: (file: string): string => `p1(last(ancestors(.) and adds(${revsetString(`path:${file}`)})))`,
  /** The checkout's own changesets, newest first: all its ancestors, or those `base` (a full hash) lacks. */
  branch: (base: string | undefined): string => (base ? `reverse(only(., ${base}))` : 'reverse(ancestors(.))'),
};

/** The argv of every hg call here: the nodes a revision names, the migration scripts at one, the files changed since one. */
export const HG_ARGV = {
  nodes: (revision: string, limit?: number): string[] => ['log', '-r', revision, ...(limit ? ['-l', String(limit)] : []), '-T', '{node}\\n'],
  scripts: (revision: string, folder: string): string[] => ['cat', '-r', revision, '-T', 'json', `path:${folder}`],
  changed: (revision: string): string[] => ['status', '--rev', revision, '-mardu', '-0'],
};

// HGPLAIN: the user's aliases, colours and relative paths must not change what devdb parses; HGENCODING: the JSON of hg cat is UTF-8 whatever the locale.
async function hg(vcs: Vcs, args: string[]) {
  const { execa } = await import('execa');
  const result = await execa('hg', args, { ...VCS_OPTIONS, cwd: vcs.top, env: { HGPLAIN: '1', HGENCODING: 'utf-8' }, reject: false });
  if (result.timedOut) throw usageError(`"hg ${args.join(' ')}" did not answer within ${VCS_OPTIONS.timeout / 1000} s in ${vcs.top}; check the repository and run again.`);
  return result;
}

/** The changesets `revision` names, in hg's order; none when it names nothing or is not a revision. */
async function nodes(vcs: Vcs, revision: string, limit?: number): Promise<string[]> {
  const result = await hg(vcs, HG_ARGV.nodes(revision, limit));
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

const nodeOf = async (vcs: Vcs, revision: string): Promise<string | undefined> => (await nodes(vcs, revision)).at(-1);

/** The base ref of a Mercurial checkout: `--base-ref` (any hg revision; several: the last), else default as pushed, else default as it is here. */
export async function resolveHgBaseRef(vcs: Vcs, given: string | undefined): Promise<BaseRef> {
  const withBase = async (name: string, tip: string, base = REVSETS.mergeBase(tip)): Promise<BaseRef> => {
    const mergeBase = await nodeOf(vcs, base);
    if (!mergeBase) throw usageError(`${name} and the checkout's parent have no changeset in common; give the branch this one is merged into with --base-ref.`);
    return { name, tip, mergeBase };
  };
  if (given) {
    const tip = await nodeOf(vcs, given);
    if (!tip) throw usageError(`--base-ref ${given} names no changeset in ${vcs.top}; pull it or give another revision.`);
    return withBase(given, tip);
  }
  const pushed = await nodeOf(vcs, REVSETS.publicTip);
  if (pushed) return withBase('default', pushed, REVSETS.publicBase);
  const local = await nodeOf(vcs, REVSETS.localTip);
  if (local) return withBase('default', local);
  throw usageError(`devdb ci found no default branch in the Mercurial repository ${vcs.top} to compare with; give the target revision with --base-ref.`);
}

/** Whether `file` (relative to the top) is a script directly in `folder`. */
const directlyIn = (folder: string, file: string): boolean => file.startsWith(`${folder}/`) && file.endsWith('.py') && !file.slice(folder.length + 1).includes('/');

/** The migration scripts (directly in `folder`, relative to the top) at a revision, read in one hg call without a checkout. */
export async function hgScriptsAt(vcs: Vcs, revision: string, folder: string): Promise<RevisionHeader[]> {
  // hg cat exits 1 when the folder holds no file at that revision: no scripts, not an error.
  const result = await hg(vcs, HG_ARGV.scripts(revision, folder));
  if (result.exitCode !== 0) return [];
  const files = JSON.parse(result.stdout) as { path: string; data: string }[];
  return files.filter((f) => directlyIn(folder, f.path)).map((f) => readRevisionHeader(f.path, f.data));
}

/** Files changed between `revision` and the working directory (committed or not, unknown files too), relative to the top, and those of them that are new. */
export async function hgChangedSince(vcs: Vcs, revision: string): Promise<{ changed: string[]; added: string[] }> {
  const result = await hg(vcs, HG_ARGV.changed(revision));
  if (result.exitCode !== 0) throw failure(`hg status --rev ${revision} failed in ${vcs.top}; run it there to see why.`, String(result.stderr));
  const changes = parseHgStatus(result.stdout);
  return { changed: changes.map((c) => c.path), added: changes.filter((c) => c.status === 'A' || c.status === '?').map((c) => c.path) };
}

/** The changeset before the one that added `file` (relative to the top): its manifest lacks the file. */
export const hgBeforeAdding = (vcs: Vcs, file: string): Promise<string | undefined> => nodeOf(vcs, REVSETS.beforeAdding(file));

/** The checkout's own changesets, newest first, at most `limit`: those the base's merge base lacks, or all. */
export const hgBranchCommits = (vcs: Vcs, mergeBase: string | undefined, limit: number): Promise<string[]> => nodes(vcs, REVSETS.branch(mergeBase), limit);
