import { readProject } from '../project.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { engineFor } from '../engines/index.js';
import { EXIT, usageError } from '../errors.js';
import { holdLock, watchContext } from '../interrupt.js';
import { acquireLock } from '../lock.js';
import type { Outcome } from '../report/output.js';
import { branchMove, branchSnapshotFor, checkoutRevisions, databaseBranch, fitsCheckout, restoreBranchSnapshot, revisionText } from '../vcs/follow.js';
import { detectVcs } from '../vcs/index.js';

/** A checkout hook's outcome that changed nothing; `line` is said only when it helps. */
const unchanged = (why: string, line?: string): Outcome => ({ exitCode: EXIT.ok, report: { ok: true, command: 'hook checkout', changed: false, why }, summary: line ? [line] : [] });

/**
 * What the checkout hook runs after the checkout moved to another branch. A development
 * database whose revision exists in the new checkout is left exactly as it is, read without
 * Python or a lock; otherwise it is snapshotted for the branch left and the entered branch's
 * newest fitting snapshot is put back, or one sentence says what to do and nothing changes.
 */
export async function hookCheckout(args: string[], options: GlobalOptions): Promise<Outcome> {
  const project = await readProject(options);
  const vcs = detectVcs(project.root);
  const move = vcs ? await branchMove(vcs, args) : undefined;
  if (!move) return unchanged('no branch changed');
  const engine = await engineFor(project.devDb.engine);
  if (!(await engine.exists(project.devDb))) return unchanged('there is no development database');
  const revisions = await engine.revisions(project.devDb);
  const known = await checkoutRevisions(project.config, project.root);
  const at = revisions.join(', ') || 'no revision';
  if (fitsCheckout(revisions, known)) return unchanged('its revision exists in this checkout', `devdb: the development database (${at}) fits branch ${move.entered}; it is left as it is.`);
  const lock = await acquireLock(project.stateDir, 'hook checkout', { waitSeconds: 5, say: (line) => process.stderr.write(`${line}\n`) });
  holdLock(lock);
  try {
    const left = await move.left();
    if (left === move.entered) return unchanged('the checkout stayed on its branch');
    const ctx = await loadContext(options, { needPassword: false });
    watchContext(ctx);
    const { chosen } = await branchSnapshotFor(ctx, move.entered, known);
    if (!chosen) {
      throw usageError(
        `The development database is at ${at}, which branch ${move.entered} does not have, and no snapshot of branch ${move.entered} fits this checkout, so it was left as it is: run "devdb branch restore NAME" with a branch whose snapshot fits (devdb branch list), or go back to ${left ?? 'the branch it came from'} and "alembic downgrade" it to a revision both branches have.`,
      );
    }
    const tag = left ?? (await databaseBranch(ctx, known, 'unknown'));
    const { safety } = await restoreBranchSnapshot(ctx, chosen, tag, (line) => process.stderr.write(`devdb: ${line}\n`));
    return {
      exitCode: EXIT.ok,
      report: { ok: true, command: 'hook checkout', changed: true, left: tag, entered: move.entered, restored: chosen.id, revisions: chosen.revisions, safetySnapshot: safety?.id ?? null },
      summary: [`devdb: the development database is back to branch ${move.entered}'s snapshot ${chosen.id} (${revisionText(chosen)})${safety ? `; what it held is snapshot ${safety.id} (branch ${tag})` : ''}.`],
    };
  } finally {
    lock.release();
  }
}
