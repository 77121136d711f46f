import { loadContext, type GlobalOptions } from '../context.js';
import { roundTripOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { baseDb } from '../steps/base-db.js';
import { dropDb } from '../steps/drop-db.js';
import { findNewest } from '../steps/find-newest.js';
import { makeConfig } from '../steps/make-config.js';
import { modelDb } from '../steps/model-db.js';
import { pointDb } from '../steps/point-db.js';
import { newRoundTrip, type CycleContext } from '../steps/round-trip.js';
import { runSteps } from '../workflow.js';
import { roundTripSteps } from './cycle.js';

export interface VerifyOptions extends GlobalOptions {
  base?: 'dev' | 'vcs';
}

/**
 * Proves the newest migration again after hand edits (documented step 6), without
 * generating one: finds the database it starts from (the development database, the
 * snapshot taken before it was applied, or the committed code), rebuilds the
 * throwaway database from the models, then runs the round trip.
 */
export async function verify(options: VerifyOptions): Promise<Outcome> {
  const context = await loadContext(options, { needPassword: true });
  const ctx: CycleContext = { ...context, trip: newRoundTrip(context) };
  if (options.base === 'vcs') ctx.trip.base.kind = 'vcs';
  const steps = [findNewest, makeConfig({ fresh: false }), pointDb, baseDb, dropDb({ force: false }), modelDb, ...roundTripSteps];
  const result = await runSteps(steps, ctx, { json: options.json ?? false, verbose: ctx.verbose });
  return roundTripOutcome('verify', ctx, result, options.debug ?? false);
}
