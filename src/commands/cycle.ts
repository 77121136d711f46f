import { loadContext, type GlobalOptions } from '../context.js';
import { keepNewestSnapshots } from '../engines/snapshots.js';
import type { EngineName } from '../schema/model.js';
import { EXIT } from '../errors.js';
import { cycleLoop, cycleSteps, type CycleChoices } from '../loops/cycle.js';
import { cycleContext, enginesFor } from '../loops/engines.js';
import { proofOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { planSteps, runLoop } from '../workflow.js';

export interface CycleOptions extends GlobalOptions, CycleChoices {
  dryRun?: boolean;
  engine?: EngineName | 'all';
}

/**
 * Generates a migration for the current model changes and proves it: checks the
 * development database is at head, copies it as the base (or builds the base from
 * the committed code), rebuilds the throwaway database from the models,
 * autogenerates against the base, lints the draft, then upgrades, downgrades and
 * upgrades the base again with rows in its tables, comparing each result with the
 * models or with the base as it was. With --engine all the draft is then proven
 * the same way on every other configured engine. Only when all of that passed is
 * the development database snapshotted and upgraded (src/loops/cycle.ts).
 */
export async function cycle(options: CycleOptions): Promise<Outcome> {
  const context = await loadContext({ ...options, engine: options.engine === 'all' ? undefined : options.engine }, { needPassword: !options.dryRun });
  const engines = enginesFor(context, options.engine);
  const ctx = cycleContext(context, options.base, options.strict);
  if (options.dryRun) {
    const plans = await planSteps(cycleSteps(options), ctx);
    return {
      exitCode: EXIT.ok,
      report: { ok: true, command: 'cycle', dryRun: true, engines, steps: plans },
      summary: ['devdb cycle --dry-run: nothing will be changed; the steps would be:', ...plans.flatMap((p) => [p.title, ...p.plan.map((line) => `    ${line}`)])],
    };
  }
  try {
    const loop = cycleLoop(ctx, engines, options, (engine) => loadContext({ ...options, engine }, { needPassword: true }));
    await runLoop(loop.nodes, { json: options.json ?? false, verbose: ctx.verbose });
    return proofOutcome('cycle', loop.runs(), options.engine === 'all', options.debug ?? false);
  } finally {
    // Housekeeping must not hide the run's own outcome; the next run prunes again.
    await keepNewestSnapshots(ctx.stateDir, ctx.devDb, ctx.config.snapshots.keep).catch(() => undefined);
  }
}
