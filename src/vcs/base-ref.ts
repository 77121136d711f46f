import { usageError } from '../errors.js';
import { readRevisionHeader, type RevisionHeader } from '../migration/chain.js';
import { hgBeforeAdding, hgChangedSince, hgScriptsAt, resolveHgBaseRef } from './base-ref-hg.js';
import { VCS_OPTIONS, type Vcs } from './index.js';

/** What a CI run compares the checkout with: the target branch's tip, and where this branch left it (git commits or Mercurial nodes). */
export interface BaseRef {
  /** As given or found: origin/HEAD, main, master (Mercurial: default), or --base-ref. */
  name: string;
  tip: string;
  mergeBase: string;
}

const git = async (vcs: Vcs, args: string[]) => (await import('execa')).execa('git', args, { ...VCS_OPTIONS, cwd: vcs.top, reject: false });

const commitOf = async (vcs: Vcs, ref: string): Promise<string | undefined> => {
  const result = await git(vcs, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
};

/** The branch a pull request or merge request targets, as GitHub Actions and GitLab CI name it. */
function targetFromCi(): string[] {
  const target = process.env.GITHUB_BASE_REF || process.env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME;
  return target ? [`origin/${target}`] : [];
}

/**
 * The base ref given, else the branch the CI system says is targeted, else the default
 * branch: origin/HEAD, else main or master (a CI checkout often has only their origin/ copies).
 * Mercurial's are found by base-ref-hg.ts.
 */
export async function resolveBaseRef(vcs: Vcs, given: string | undefined): Promise<BaseRef> {
  if (vcs.kind === 'hg') return resolveHgBaseRef(vcs, given);
  const candidates = given ? [given] : [...targetFromCi(), 'origin/HEAD', 'main', 'master', 'origin/main', 'origin/master'];
  for (const name of candidates) {
    const tip = await commitOf(vcs, name);
    if (!tip) continue;
    const base = await git(vcs, ['merge-base', tip, 'HEAD']);
    if (base.exitCode !== 0) throw usageError(`${name} and HEAD have no commit in common; give the branch this one is merged into with --base-ref.`);
    return { name, tip, mergeBase: base.stdout.trim() };
  }
  if (given) throw usageError(`--base-ref ${given} names no commit in ${vcs.top}; fetch it (a shallow clone lacks it) or give another ref.`);
  throw usageError('devdb ci found neither origin/HEAD nor a main or master branch to compare with; give the target branch with --base-ref.');
}

/** The migration scripts (directly in `folder`, relative to the top) at a commit, read without a checkout. */
export async function scriptsAt(vcs: Vcs, commit: string, folder: string): Promise<RevisionHeader[]> {
  if (vcs.kind === 'hg') return hgScriptsAt(vcs, commit, folder);
  const listed = await git(vcs, ['ls-tree', '-z', '--name-only', `${commit}:${folder}`]);
  if (listed.exitCode !== 0) return [];
  const headers: RevisionHeader[] = [];
  for (const name of listed.stdout.split('\0').filter((f) => f.endsWith('.py'))) {
    const file = `${folder}/${name}`;
    const shown = await git(vcs, ['show', `${commit}:${file}`]);
    if (shown.exitCode === 0) headers.push(readRevisionHeader(file, shown.stdout));
  }
  return headers;
}

/** Files changed between `commit` and the working tree (committed or not), relative to the top, and those of them that are new. */
export async function changedSince(vcs: Vcs, commit: string): Promise<{ changed: string[]; added: string[] }> {
  if (vcs.kind === 'hg') return hgChangedSince(vcs, commit);
  const diff = await git(vcs, ['diff', '--name-status', '--no-renames', '-z', commit]);
  const untracked = await git(vcs, ['ls-files', '-z', '--others', '--exclude-standard']);
  const fields = diff.stdout.split('\0').filter(Boolean);
  const changed: string[] = [];
  const added: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const file = fields[i + 1] as string;
    changed.push(file);
    if (fields[i] === 'A') added.push(file);
  }
  for (const file of untracked.stdout.split('\0').filter(Boolean)) {
    changed.push(file);
    added.push(file);
  }
  return { changed, added };
}

/** The commit before the one that added `file` (relative to the top): its tree lacks the file. */
export async function beforeAdding(vcs: Vcs, file: string): Promise<string | undefined> {
  if (vcs.kind === 'hg') return hgBeforeAdding(vcs, file);
  const result = await git(vcs, ['log', '--diff-filter=A', '--format=%H', '-1', '--', file]);
  const adding = result.stdout.trim();
  return adding ? commitOf(vcs, `${adding}^`) : undefined;
}
