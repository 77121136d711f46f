import { loadContext, type GlobalOptions } from '../context.js';
import type { EngineName } from '../engines/url.js';
import { acrossEngines, roundTripOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { findNewest } from '../steps/find-newest.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import { runSteps, type StepsResult } from '../workflow.js';
import { cycleContext, enginesFor, onEngine, proveSteps } from './cycle.js';

export interface VerifyOptions extends GlobalOptions {
  base?: 'dev' | 'vcs';
  engine?: EngineName | 'all';
}

/**
 * Proves the newest migration again after hand edits (documented step 6), without
 * generating one: finds the database it starts from (the development database, the
 * snapshot taken before it was applied, or the committed code), rebuilds the
 * throwaway database from the models, then runs the round trip — on one engine,
 * or with --engine all on each configured engine in turn.
 */
export async function verify(options: VerifyOptions): Promise<Outcome> {
  const first = await loadContext({ ...options, engine: options.engine === 'all' ? undefined : options.engine }, { needPassword: true });
  const runs: { ctx: CycleContext; result: StepsResult }[] = [];
  for (const engine of enginesFor(first, options.engine)) {
    const ctx = cycleContext(engine === first.engine ? first : await loadContext({ ...options, engine }, { needPassword: true }), options.base);
    runs.push({ ctx, result: await onEngine(ctx, () => runSteps([findNewest, ...proveSteps], ctx, { json: options.json ?? false, verbose: ctx.verbose })) });
  }
  return options.engine === 'all' ? acrossEngines('verify', runs, options.debug ?? false) : roundTripOutcome('verify', runs[0]!.ctx, runs[0]!.result, options.debug ?? false);
}
