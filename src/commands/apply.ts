import { loadContext, type GlobalOptions } from '../context.js';
import { applyLoop } from '../loops/apply.js';
import { roundTripOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { runLoop } from '../workflow.js';

export type ApplyOptions = GlobalOptions;

/**
 * Applies a migration fixed by hand (documented steps 6 and 7): proves the newest
 * migration as verify does, with the development database as the base, then
 * snapshots the development database and upgrades it to head, as cycle's last step
 * does — without generating, so the hand edit is what gets applied (src/loops/apply.ts).
 */
export async function apply(options: ApplyOptions): Promise<Outcome> {
  const { nodes, run } = applyLoop(await loadContext(options, { needPassword: true }));
  await runLoop(nodes, { json: options.json ?? false, verbose: run.ctx.verbose });
  return roundTripOutcome('apply', run, options.debug ?? false);
}
