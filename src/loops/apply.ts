import type { Context } from '../context.js';
import { engineFor } from '../engines/index.js';
import { describeTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import { apply } from '../steps/apply.js';
import { findNewest } from '../steps/find-newest.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import { shown, type Step } from '../steps/step.js';
import { EngineRun, type Node } from '../workflow.js';
import { cycleContext, dropEngineWork, proveOn, proveSteps } from './engines.js';

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
 * apply as one tree, on the development database's engine with it as the base: "Find
 * the newest migration" (at the development database's parent), "Prove it on" the
 * engine, "Apply"; its databases are dropped at the end, passed or failed.
 */
export function applyLoop(context: Context): { nodes: Node[]; run: EngineRun<CycleContext> } {
  const ctx = cycleContext(context, undefined);
  const run = new EngineRun(ctx);
  const nodes: Node[] = [
    { group: 'Find the newest migration', run, steps: [findNewestToApply] },
    proveOn(ctx.engine, run, proveSteps),
    { group: 'Apply', run, steps: [apply] },
    dropEngineWork(ctx.engine, run),
  ];
  return { nodes, run };
}
