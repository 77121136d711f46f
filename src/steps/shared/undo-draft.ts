import fs from 'fs-extra';
import { restoreSnapshot, takeSnapshot, type Snapshot } from '../../engines/snapshots.js';
import { DevdbError, failure, usageError } from '../../errors.js';
import { readMigration } from '../../migration/script.js';
import { alembic } from '../../presets/command.js';
import { updateState, type Draft } from '../../state.js';
import { writeIniForDevDb } from './dev-ini.js';
import type { CycleContext } from './round-trip.js';
import { shown, runTool, type StepIO } from '../step.js';

/** The script whose downgrade undoes the draft: the file if it is still there, else the copy kept when it was applied, put back for Alembic. */
async function scriptToUndo(draft: Draft): Promise<{ file: string; putBack: boolean }> {
  if (await fs.pathExists(draft.file)) return { file: draft.file, putBack: false };
  if (!draft.file || !draft.appliedScript || !(await fs.pathExists(draft.appliedScript))) {
    throw usageError(
      `Draft ${draft.revision} is applied to the development database, but its script and the copy devdb kept are gone and so is the snapshot from before it; put the script back in the versions folder and run again, or downgrade the database by hand.`,
    );
  }
  await fs.copy(draft.appliedScript, draft.file);
  return { file: draft.file, putBack: true };
}

/**
 * Undoes an applied draft on the development database with the draft's own
 * downgrade, after a safety snapshot, so rows written since it was applied stay.
 * A downgrade that fails changes nothing: the safety snapshot goes back, and the
 * error names both snapshots and the two ways on.
 */
export async function undoDraft(ctx: CycleContext, draft: Draft, why: { before: Snapshot | undefined; reason: string }, io: StepIO): Promise<void> {
  const safety = await takeSnapshot(ctx.stateDir, ctx.devDb, `before undoing ${draft.revision} with its downgrade`);
  const script = await scriptToUndo(draft);
  const parent = (await readMigration(ctx.python, script.file, ctx.alembicDir)).downRevision;
  await updateState(ctx.stateDir, (state) => {
    if (state.draft) state.draft.undoing = safety.id;
  });
  try {
    await runTool(ctx, alembic(shown(ctx, await writeIniForDevDb(ctx)), 'downgrade', typeof parent === 'string' ? parent : '-1'), io, `the downgrade of draft ${draft.revision}`);
  } catch (error) {
    // A downgrade on SQLite is not one transaction: what it did before failing goes back with the snapshot.
    await restoreSnapshot(ctx.stateDir, ctx.devDb, safety, { python: ctx.python, safety: false });
    if (script.putBack) await fs.remove(script.file);
    await updateState(ctx.stateDir, (state) => {
      delete state.draft?.undoing;
    });
    const file = shown(ctx, script.file);
    const ways = why.before
      ? `Snapshot ${why.before.id} holds it as it was before the draft, snapshot ${safety.id} holds it now (with what was written since): fix the downgrade in ${file} and run "devdb cycle" again, or run "devdb snapshot restore ${why.before.id}" to drop what was written since, then cycle again.`
      : `Snapshot ${safety.id} holds it now, and none is left from before the draft: fix the downgrade in ${file} and run "devdb cycle" again, or downgrade the database by hand, then cycle again.`;
    throw failure(`Draft ${draft.revision} cannot be replaced: ${why.reason}, and the draft's downgrade failed (its output follows); nothing was changed. ${ways}`, error instanceof DevdbError ? error.detail : String(error));
  }
  io.output(`${why.reason}; snapshot ${safety.id} holds it as it was; undid the draft with its own downgrade, keeping what was written since`);
}
