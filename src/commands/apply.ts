import { loadContext, type GlobalOptions } from '../context.js';
import { engineFor } from '../engines/index.js';
import { describeTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import { roundTripOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { apply as applyStep } from '../steps/apply.js';
import { findNewest } from '../steps/find-newest.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import { shown, type Step } from '../steps/step.js';
import { runSteps } from '../workflow.js';
import { cycleContext, onEngine, proveSteps } from './cycle.js';

export type ApplyOptions = GlobalOptions;

/** Why the development database cannot take the newest migration by itself, or undefined when it is at that migration's parent. */
async function notAtParent(ctx: CycleContext): Promise<string | undefined> {
  const { file, script } = ctx.trip.migration!;
  const current = await (await engineFor(ctx.devDb.engine)).revisions(ctx.devDb);
  if (current.length === 1 && current[0] === script.downRevision) return undefined;
  const at = current.join(', ') || 'no revision';
  if (current.length === 1 && current[0] === script.revision) {
    return `${describeTarget(ctx.devDb, ctx.root)} is at ${at} already, the newest migration ${shown(ctx, file)}; there is nothing to apply (devdb verify proves it again).`;
  }
  return `${describeTarget(ctx.devDb, ctx.root)} is at ${at}, not at ${String(script.downRevision)}, the parent of the newest migration ${shown(ctx, file)}; bring it there first (devdb snapshot restore, or alembic upgrade ${String(script.downRevision)}).`;
}

/** verify's first step, for apply: the development database must be at the newest migration's parent, since apply upgrades it by exactly that one. */
const findNewestToApply: Step<CycleContext> = {
  ...findNewest,
  run: async (ctx, io) => {
    const found = await findNewest.run(ctx, io).then(
      () => undefined,
      (error: unknown) => error,
    );
    const refusal = ctx.trip.migration ? await notAtParent(ctx) : undefined;
    if (refusal) {
      // A refusal is its one sentence, with no report of a migration nothing was done with.
      ctx.trip.migration = undefined;
      throw usageError(refusal);
    }
    if (found) throw found;
  },
};

/**
 * Applies a migration fixed by hand (documented steps 6 and 7): proves the newest
 * migration as verify does, with the development database as the base, then
 * snapshots the development database and upgrades it to head, as cycle's last step
 * does — without generating, so the hand edit is what gets applied.
 */
export async function apply(options: ApplyOptions): Promise<Outcome> {
  const ctx = cycleContext(await loadContext(options, { needPassword: true }), undefined);
  const steps = [findNewestToApply, ...proveSteps, applyStep];
  const result = await onEngine(ctx, () => runSteps(steps, ctx, { json: options.json ?? false, verbose: ctx.verbose }));
  return roundTripOutcome('apply', ctx, result, options.debug ?? false);
}
