import path from 'node:path';
import fs from 'fs-extra';
import { fingerprint } from '../engines/fingerprint.js';
import { takeSnapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { alembic } from '../presets/command.js';
import { fileSha256, updateState } from '../state.js';
import { iniForDevDb, writeIniForDevDb } from './shared/dev-ini.js';
import type { CycleContext } from './shared/round-trip.js';
import { shown, planCommand, runTool, type Step } from './step.js';

/**
 * Documented step 7, last: only after every check passed, snapshot the development
 * database and upgrade it to head. Then its fingerprint and the script as applied
 * are kept, so replacing the draft later can tell whether anything wrote to the
 * database since, and undo exactly what was applied.
 */
export const apply: Step<CycleContext> = {
  id: 'apply',
  title: (ctx) => `apply: snapshot ${describeTarget(ctx.devDb, ctx.root)} and upgrade it to head`,
  plan: (ctx) => [`snapshot ${describeTarget(ctx.devDb, ctx.root)} into .devdb/snapshots`, planCommand(alembic(shown(ctx, iniForDevDb(ctx)), 'upgrade', 'head'))],
  run: async (ctx, io) => {
    const migration = ctx.trip.migration!;
    const snapshot = await takeSnapshot(ctx.stateDir, ctx.devDb, `before applying ${migration.script.revision ?? 'the draft'}`);
    io.output(`snapshot ${snapshot.id}`);
    const sha256 = await fileSha256(migration.file);
    await updateState(ctx.stateDir, (state) => {
      state.draft = { file: migration.file, revision: migration.script.revision ?? '', snapshot: snapshot.id, applied: false, ...(sha256 ? { sha256 } : {}) };
    });
    const kept = path.join(ctx.stateDir, 'backups', `${path.basename(migration.file)}.applied`);
    await fs.copy(migration.file, kept);
    await runTool(ctx, alembic(shown(ctx, await writeIniForDevDb(ctx)), 'upgrade', 'head'), io, 'the upgrade of the development database');
    const print = await fingerprint(ctx.devDb);
    await updateState(ctx.stateDir, (state) => {
      if (state.draft) Object.assign(state.draft, { applied: true, fingerprint: print, appliedScript: kept });
    });
  },
};
