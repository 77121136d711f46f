import path from 'node:path';
import fs from 'fs-extra';
import type { Context } from '../context.js';
import { engineFor } from '../engines/index.js';
import { dropOwned } from '../engines/ownership.js';
import { ENGINE_NAMES, type EngineName } from '../schema/model.js';
import { usageError } from '../errors.js';
import { baseDb } from '../steps/base-db.js';
import { downgrade } from '../steps/downgrade.js';
import { dropDb } from '../steps/drop-db.js';
import { lint } from '../steps/lint.js';
import { makeConfig } from '../steps/make-config.js';
import { modelDb } from '../steps/model-db.js';
import { pointDb } from '../steps/point-db.js';
import { reupgrade } from '../steps/reupgrade.js';
import { rows } from '../steps/rows.js';
import { seedRows } from '../steps/seed-rows.js';
import { dropServerWork } from '../steps/shared/databases.js';
import { newRoundTrip, workFolder, type CycleContext } from '../steps/shared/round-trip.js';
import type { Step } from '../steps/step.js';
import { upgrade } from '../steps/upgrade.js';
import { values } from '../steps/values.js';
import type { EngineRun, Group, Hook } from '../workflow.js';

/** The round trip shared by cycle, verify and apply: lint, rows, upgrade, downgrade, upgrade again, data. */
export const roundTripSteps: Step<CycleContext>[] = [
  lint,
  seedRows,
  upgrade,
  downgrade,
  reupgrade,
  rows,
  values,
];

/** The round trip of a migration generated or found elsewhere, with the engine's own throwaway INI, base and model database first. */
export const proveSteps: Step<CycleContext>[] = [makeConfig({ fresh: false }), pointDb, baseDb, dropDb({ force: false }), modelDb, ...roundTripSteps];

/** Steps after autogenerate have nothing to do when it found no change. */
export const unlessNoChange = (step: Step<CycleContext>): Step<CycleContext> => ({
  ...step,
  skip: async (ctx) => (ctx.trip.noChange ? 'no model change' : ((await step.skip?.(ctx)) ?? false)),
});

/** The engines a run covers: the one asked for, or with "all" the configured engine first, then every other with a server (and SQLite). */
export function enginesFor(ctx: Context, asked: EngineName | 'all' | undefined): EngineName[] {
  if (asked !== 'all') return [asked ?? ctx.config.engine];
  const others = ENGINE_NAMES.filter((e) => e !== ctx.config.engine && (e === 'sqlite' || ctx.config.servers[e] !== undefined));
  return [ctx.config.engine, ...others];
}

/** A round-trip context; the base comes from the development database only when it lives on the same engine. */
export function cycleContext(context: Context, base: 'dev' | 'vcs' | undefined, strict = false): CycleContext {
  const ctx: CycleContext = { ...context, trip: { ...newRoundTrip(context), strict } };
  // Every round trip reads its databases with the engine's driver: it loads now, while the
  // first steps wait on the project's Python. One that cannot load fails where it is used.
  for (const name of new Set([ctx.engine, ctx.devDb.engine])) {
    engineFor(name)
      .then((engine) => engine.warm())
      .catch(() => undefined);
  }
  if (base === 'dev' && ctx.devDb.engine !== ctx.engine) {
    throw usageError(`--base dev needs the development database on ${ctx.engine}, and it is on ${ctx.devDb.engine}; use --base vcs (the default there) to build the base from the committed code.`);
  }
  if (base) ctx.trip.base.kind = base;
  return ctx;
}

/** "Prove it on ENGINE": the round trip as a group of the loop. */
export const proveOn = (engine: EngineName, run: EngineRun<CycleContext>, steps: Step<CycleContext>[], when?: () => boolean): Group<CycleContext> => ({
  group: `Prove it on ${engine}`,
  run,
  steps,
  ...(when ? { when } : {}),
});

/** Makes an engine's context once the loop reaches it (its server is checked then, as it always was). */
export const openEngine = (engine: EngineName, run: EngineRun<CycleContext>, when?: () => boolean): Hook => ({
  hook: `open ${engine}`,
  run: () => run.open(),
  ...(when ? { when } : {}),
});

/** When an engine's part of the loop ends, passed or failed: drops what it made there (the base, its work folder, server databases); .devdb/work goes with the last engine's folder. */
export const dropEngineWork = (engine: EngineName, run: EngineRun<CycleContext>): Hook => ({
  hook: `drop the work on ${engine}`,
  always: true,
  when: () => run.opened,
  run: async () => {
    const { ctx } = run;
    ctx.trip.dropped.push(...(await dropServerWork(ctx, [ctx.trip.baseDb, ctx.throwawayDb])));
    if (ctx.trip.baseDb.file) await dropOwned(ctx.stateDir, ctx.trip.baseDb);
    await fs.remove(workFolder(ctx));
    // Another engine still working keeps its folder, and so the parent: only an empty one is removed.
    await fs.rmdir(path.dirname(workFolder(ctx))).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'ENOENT') throw error;
    });
  },
});
