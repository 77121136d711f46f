import path from 'node:path';
import fs from 'fs-extra';
import { loadContext, type Context, type GlobalOptions } from '../context.js';
import { dropOwned } from '../engines/ownership.js';
import { keepNewestSnapshots } from '../engines/snapshots.js';
import type { EngineName } from '../engines/url.js';
import { EXIT, usageError } from '../errors.js';
import { readMigration } from '../migration/script.js';
import { acrossEngines, roundTripOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { apply } from '../steps/apply.js';
import { autogenerate } from '../steps/autogenerate.js';
import { baseDb } from '../steps/base-db.js';
import { downgrade } from '../steps/downgrade.js';
import { dropDb } from '../steps/drop-db.js';
import { dropServerWork } from '../steps/shared/databases.js';
import { openEditor } from '../steps/shared/edit-draft.js';
import { lint } from '../steps/lint.js';
import { makeConfig } from '../steps/make-config.js';
import { modelDb } from '../steps/model-db.js';
import { pointDb } from '../steps/point-db.js';
import { preflight } from '../steps/preflight.js';
import { replaceDraft } from '../steps/replace-draft.js';
import { newRoundTrip, type CycleContext } from '../steps/shared/round-trip.js';
import { reupgrade } from '../steps/reupgrade.js';
import { rows } from '../steps/rows.js';
import { seedRows } from '../steps/seed-rows.js';
import type { Step } from '../steps/step.js';
import { upgrade } from '../steps/upgrade.js';
import { planSteps, runSteps, type StepsResult } from '../workflow.js';

export interface CycleOptions extends GlobalOptions {
  message: string;
  apply?: boolean;
  upgradeFirst?: boolean;
  base?: 'dev' | 'vcs';
  edit?: boolean;
  dryRun?: boolean;
  engine?: EngineName | 'all';
}

/** Steps after autogenerate have nothing to do when it found no change. */
const unlessNoChange = (step: Step<CycleContext>): Step<CycleContext> => ({
  ...step,
  skip: async (ctx) => (ctx.trip.noChange ? 'no model change' : ((await step.skip?.(ctx)) ?? false)),
});

/** The round trip shared by cycle and verify: lint, rows, upgrade, downgrade, upgrade again, data. */
export const roundTripSteps: Step<CycleContext>[] = [
  lint,
  seedRows,
  upgrade,
  downgrade,
  reupgrade,
  rows,
];

/** The engines a run covers: the one asked for, or with "all" the configured engine first, then every other with a server (and SQLite). */
export function enginesFor(ctx: Context, asked: EngineName | 'all' | undefined): EngineName[] {
  if (asked !== 'all') return [asked ?? ctx.config.engine];
  const others = (['sqlite', 'postgres', 'mysql'] as const).filter((e) => e !== ctx.config.engine && (e === 'sqlite' || ctx.config.servers[e] !== undefined));
  return [ctx.config.engine, ...others];
}

/** A round-trip context; the base comes from the development database only when it lives on the same engine. */
export function cycleContext(context: Context, base: 'dev' | 'vcs' | undefined): CycleContext {
  const ctx: CycleContext = { ...context, trip: newRoundTrip(context) };
  if (base === 'dev' && ctx.devDb.engine !== ctx.engine) {
    throw usageError(`--base dev needs the development database on ${ctx.engine}, and it is on ${ctx.devDb.engine}; use --base vcs (the default there) to build the base from the committed code.`);
  }
  if (base) ctx.trip.base.kind = base;
  return ctx;
}

/** Runs `work` on one engine, then drops what it made there (the base, its work folder, server databases), whatever the outcome. */
export async function onEngine<T>(ctx: CycleContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    ctx.trip.dropped.push(...(await dropServerWork(ctx, [ctx.trip.baseDb, ctx.throwawayDb])));
    if (ctx.trip.baseDb.file) await dropOwned(ctx.stateDir, ctx.trip.baseDb);
    await fs.remove(path.join(ctx.stateDir, 'work'));
  }
}

/** The round trip of a migration generated elsewhere, on another engine: what verify does, without finding the migration. */
export const proveSteps: Step<CycleContext>[] = [makeConfig({ fresh: false }), pointDb, baseDb, dropDb({ force: false }), modelDb, ...roundTripSteps];

/** Steps 1, 5 and 6 of the loop: replace the previous draft, check the development database, build the base and the models, autogenerate. */
const generateSteps = (options: CycleOptions): Step<CycleContext>[] => [
  replaceDraft,
  preflight({ upgradeFirst: options.upgradeFirst ?? false }),
  makeConfig({ fresh: false }),
  pointDb,
  baseDb,
  dropDb({ force: false }),
  modelDb,
  autogenerate({ message: options.message }),
];

/** Step 7 on the development database, unless --no-apply. */
const applySteps = (options: CycleOptions): Step<CycleContext>[] => (options.apply === false ? [] : [unlessNoChange(apply)]);

/**
 * Generates a migration for the current model changes and proves it: checks the
 * development database is at head, copies it as the base (or builds the base from
 * the committed code), rebuilds the throwaway database from the models,
 * autogenerates against the base, lints the draft, then upgrades, downgrades and
 * upgrades the base again with rows in its tables, comparing each result with the
 * models or with the base as it was. With --engine all the draft is then proven
 * the same way on every other configured engine. Only when all of that passed is
 * the development database snapshotted and upgraded.
 */
export async function cycle(options: CycleOptions): Promise<Outcome> {
  const context = await loadContext({ ...options, engine: options.engine === 'all' ? undefined : options.engine }, { needPassword: !options.dryRun });
  const engines = enginesFor(context, options.engine);
  const ctx = cycleContext(context, options.base);
  if (options.dryRun) {
    const plans = await planSteps([...generateSteps(options), ...roundTripSteps.map(unlessNoChange), ...applySteps(options)], ctx);
    return {
      exitCode: EXIT.ok,
      report: { ok: true, command: 'cycle', dryRun: true, engines, steps: plans },
      summary: ['devdb cycle --dry-run: nothing will be changed; the steps would be:', ...plans.flatMap((p) => [p.title, ...p.plan.map((line) => `    ${line}`)])],
    };
  }
  const render = { json: options.json ?? false, verbose: ctx.verbose };
  try {
    return await cycleOn(ctx, engines, options, render);
  } finally {
    // Housekeeping must not hide the run's own outcome; the next run prunes again.
    await keepNewestSnapshots(ctx.stateDir, ctx.devDb, ctx.config.snapshots.keep).catch(() => undefined);
  }
}

/** The cycle's runs: generate and prove on the first engine, prove on the others, then apply. */
async function cycleOn(ctx: CycleContext, engines: EngineName[], options: CycleOptions, render: { json: boolean; verbose: boolean }): Promise<Outcome> {
  const generate = generateSteps(options);
  const prove = roundTripSteps.map(unlessNoChange);
  const apply = applySteps(options);
  const first = await onEngine(ctx, async (): Promise<StepsResult> => {
    const generated = await runSteps(generate, ctx, render);
    if (generated.error || !ctx.trip.migration) return generated;
    // The editor needs the terminal to itself, so it runs between the two lists.
    if (options.edit) {
      await openEditor(ctx.trip.migration.file);
      ctx.trip.migration.script = await readMigration(ctx.python, ctx.trip.migration.file);
    }
    const proved = await runSteps(prove, ctx, render);
    return { records: [...generated.records, ...proved.records], error: proved.error };
  });
  if (first.error || !ctx.trip.migration) {
    return options.engine === 'all' ? acrossEngines('cycle', [{ ctx, result: first }], options.debug ?? false) : roundTripOutcome('cycle', ctx, first, options.debug ?? false);
  }
  const runs: { ctx: CycleContext; result: StepsResult }[] = [{ ctx, result: first }];
  for (const engine of engines.slice(1)) {
    const other = cycleContext(await loadContext({ ...options, engine }, { needPassword: true }), options.base === 'vcs' ? 'vcs' : undefined);
    other.trip.migration = ctx.trip.migration;
    runs.push({ ctx: other, result: await onEngine(other, () => runSteps(proveSteps, other, render)) });
  }
  if (!ctx.trip.noChange && apply.length > 0 && runs.every((run) => !run.result.error)) {
    const applied = await runSteps(apply, ctx, render);
    runs[0]!.result = { records: [...runs[0]!.result.records, ...applied.records], error: applied.error };
  }
  return options.engine !== 'all' ? roundTripOutcome('cycle', ctx, runs[0]!.result, options.debug ?? false) : acrossEngines('cycle', runs, options.debug ?? false);
}
