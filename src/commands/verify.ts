import { verifyNewest, type VerifyOptions } from '../loops/verify.js';
import { proofOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';

export type { VerifyOptions };

/**
 * Proves the newest migration again after hand edits (documented step 6), without
 * generating one: finds the database it starts from (the development database, the
 * snapshot taken before it was applied, or the committed code), rebuilds the
 * throwaway database from the models, then runs the round trip — on one engine,
 * or with --engine all on each configured engine in turn (src/loops/verify.ts).
 */
export async function verify(options: VerifyOptions): Promise<Outcome> {
  return proofOutcome('verify', await verifyNewest(options), options.engine === 'all', options.debug ?? false);
}
