import { headsOf, type RevisionHeader } from '../migration/chain.js';
import { beforeAdding, scriptsAt, type BaseRef } from './base-ref.js';
import type { Vcs } from './index.js';

/**
 * The commit a round trip's base is built from when the newest migration is (or may be)
 * committed: one whose migrations end at the newest migration's parent and lack the
 * newest itself — the target branch's tip or the merge base when the migration follows
 * it, else the commit before the newest was added, else HEAD (it is not committed yet).
 * `newest.file` and `folder` are relative to the checkout's top.
 */
export async function baseCommitFor(vcs: Vcs, base: BaseRef | undefined, newest: RevisionHeader, folder: string): Promise<string> {
  const parent = newest.downRevisions[0];
  for (const commit of base ? [base.tip, base.mergeBase] : []) {
    const scripts = await scriptsAt(vcs, commit, folder);
    const heads = headsOf(scripts);
    if (!scripts.some((h) => h.revision === newest.revision) && heads.length === 1 && heads[0] === parent) return commit;
  }
  return (await beforeAdding(vcs, newest.file)) ?? 'HEAD';
}
