import { usageError } from '../errors.js';
import { headsOf, type RevisionHeader } from '../migration/chain.js';
import { hgBranchCommits } from './base-ref-hg.js';
import { beforeAdding, scriptsAt, type BaseRef } from './base-ref.js';
import { baseRevision, VCS_OPTIONS, type Vcs } from './index.js';

/** How far back along the branch devdb looks for a commit to build the base from. */
const MAX_COMMITS = 50;

/** The branch's own commits, newest first. */
async function branchCommits(vcs: Vcs, base: BaseRef | undefined): Promise<string[]> {
  if (vcs.kind === 'hg') return hgBranchCommits(vcs, base?.mergeBase, MAX_COMMITS);
  const { execa } = await import('execa');
  const result = await execa('git', ['rev-list', `--max-count=${MAX_COMMITS}`, 'HEAD', ...(base ? [`^${base.mergeBase}`] : [])], { ...VCS_OPTIONS, cwd: vcs.top, reject: false });
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

/**
 * The commit a round trip's base is built from when the newest migration is (or may be)
 * committed: one whose migrations end at the newest migration's parent and lack the
 * newest itself — the target branch's tip or the merge base when the migration follows
 * it, the commit before the newest was added (HEAD, Mercurial's ".", when it is not committed yet), or
 * another of the branch's commits. `newest.file` and `folder` are relative to the top.
 */
export async function baseCommitFor(vcs: Vcs, base: BaseRef | undefined, newest: RevisionHeader, folder: string): Promise<string> {
  const parent = newest.downRevisions[0];
  const fits = async (commit: string): Promise<boolean> => {
    const scripts = await scriptsAt(vcs, commit, folder);
    const heads = headsOf(scripts);
    return !scripts.some((h) => h.revision === newest.revision) && heads.length === 1 && heads[0] === parent;
  };
  const candidates = [...(base ? [base.tip, base.mergeBase] : []), (await beforeAdding(vcs, newest.file)) ?? baseRevision(vcs), ...(await branchCommits(vcs, base))];
  for (const commit of new Set(candidates)) if (await fits(commit)) return commit;
  throw usageError(
    `No commit has the migrations end at ${parent} without ${newest.file}, which the base of its round trip is built from (were two migrations committed together?); commit each migration on its own, or give the target branch with --base-ref.`,
  );
}
