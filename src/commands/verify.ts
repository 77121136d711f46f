import { verifyHistory, type WalkChoices } from '../loops/stairway.js';
import { verifyNewest, type VerifyOptions as NewestOptions } from '../loops/verify.js';
import { proofOutcome } from '../report/round-trip.js';
import { stairwayOutcome } from '../report/stairway.js';
import type { Outcome } from '../report/output.js';
import { usageError } from '../errors.js';

export interface VerifyOptions extends NewestOptions, WalkChoices {
  all?: boolean;
}

/**
 * Proves the newest migration again after hand edits (documented step 6), without
 * generating one: finds the database it starts from (the development database, the
 * snapshot taken before it was applied, or the committed code), rebuilds the
 * throwaway database from the models, then runs the round trip — on one engine,
 * or with --engine all on each configured engine, side by side (src/loops/verify.ts).
 * With --all it walks the whole history instead, revision by revision (src/loops/stairway.ts).
 */
export async function verify(options: VerifyOptions): Promise<Outcome> {
  if (!options.all) {
    if (options.from !== undefined || options.to !== undefined) throw usageError(`--${options.from !== undefined ? 'from' : 'to'} limits the walk of the history; give it with --all.`);
    return proofOutcome('verify', await verifyNewest(options), options.engine === 'all', options.debug ?? false);
  }
  if (options.base !== undefined) throw usageError('--base chooses the base of the newest migration; verify --all picks its own start, so leave --base out.');
  return stairwayOutcome(await verifyHistory(options), options.engine === 'all', options.debug ?? false);
}
