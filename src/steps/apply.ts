import { takeSnapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { alembic } from '../presets/command.js';
import { updateState } from '../state.js';
import { iniForDevDb, writeIniForDevDb } from './dev-ini.js';
import type { CycleContext } from './round-trip.js';
import { shown, planCommand, runTool, type Step } from './step.js';

/** Step 7 of the loop, last: only after every check passed, snapshot the development database and upgrade it to head. */
export const applyToDev: Step<CycleContext> = {
  id: 'apply',
  title: (ctx) => `Snapshot ${describeTarget(ctx.devDb, ctx.root)} and upgrade it to head`,
  plan: (ctx) => [`snapshot ${describeTarget(ctx.devDb, ctx.root)} into .devdb/snapshots`, planCommand(alembic(shown(ctx, iniForDevDb(ctx)), 'upgrade', 'head'))],
  run: async (ctx, io) => {
    const migration = ctx.trip.migration!;
    const snapshot = await takeSnapshot(ctx.stateDir, ctx.devDb, `before applying ${migration.script.revision ?? 'the draft'}`);
    io.output(`snapshot ${snapshot.id}`);
    await updateState(ctx.stateDir, (state) => {
      state.draft = { file: migration.file, revision: migration.script.revision ?? '', snapshot: snapshot.id, applied: false };
    });
    await runTool(ctx, alembic(shown(ctx, await writeIniForDevDb(ctx)), 'upgrade', 'head'), io, 'the upgrade of the development database');
    await updateState(ctx.stateDir, (state) => {
      if (state.draft) state.draft.applied = true;
    });
  },
};
