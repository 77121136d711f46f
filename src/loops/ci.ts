import type { Context } from '../context.js';
import type { EngineName } from '../schema/model.js';
import { findNewest } from '../steps/find-newest.js';
import type { StairwayContext } from '../steps/shared/stairway.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import { EngineRun, runLoop, type Node, type RenderOptions } from '../workflow.js';
import { cycleContext, dropEngineWork, openEngine, proveOn, proveSteps } from './engines.js';
import { stairwayLoop } from './stairway.js';

/** A round-trip context whose base is built from `revision` of the checkout's history, not from its files. */
function fromRevision(ctx: Context, revision: string): CycleContext {
  const based = cycleContext(ctx, 'vcs');
  based.trip.base.revision = revision;
  return based;
}

/**
 * The proof of the newest migration that devdb rebase runs after moving it: verify's
 * tree (find the newest migration, prove it on each engine in turn), with the base
 * built from a commit that lacks the migration.
 */
export async function ciVerify(first: Context, engines: EngineName[], revision: string, load: (engine: EngineName) => Promise<Context>, render: RenderOptions): Promise<{ runs: EngineRun<CycleContext>[]; error?: unknown }> {
  const lanes = engines.map((engine) => ({
    engine,
    run: new EngineRun(engine === first.engine ? fromRevision(first, revision) : async () => fromRevision(await load(engine), revision)),
  }));
  const nodes = lanes.flatMap(({ engine, run }): Node[] => [
    openEngine(engine, run),
    { group: `Find the newest migration for ${engine}`, run, steps: [findNewest] },
    proveOn(engine, run, proveSteps),
    dropEngineWork(engine, run),
  ]);
  return run(nodes, lanes.map((lane) => lane.run), render);
}

/**
 * ci's proof of the branch: verify --all's tree from `from` (the base ref's head, walked
 * again so the models are compared even when the branch adds no migration) up to the
 * branch's head, on each engine in turn. The stairway builds its start from the history,
 * as CI has no development database: from `baseCommit` (the merge base) when the
 * history does not replay from an empty database.
 */
export async function ciWalk(first: Context, engines: EngineName[], start: { from?: string; baseCommit?: string }, load: (engine: EngineName) => Promise<Context>, render: RenderOptions): Promise<{ runs: EngineRun<StairwayContext>[]; error?: unknown }> {
  const { nodes, runs } = stairwayLoop(first, engines, start, load);
  return run(nodes, runs, render);
}

async function run<C extends Context>(nodes: Node[], runs: EngineRun<C>[], render: RenderOptions): Promise<{ runs: EngineRun<C>[]; error?: unknown }> {
  try {
    await runLoop(nodes, render);
  } catch (error) {
    // An engine that cannot be opened (no server, no driver) ends the loop; ci still reports what ran.
    return { runs, error };
  }
  return { runs };
}
