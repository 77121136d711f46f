import type { Context } from '../context.js';
import type { EngineName } from '../schema/model.js';
import { findNewest } from '../steps/find-newest.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import { EngineRun, runLoop, type Node, type RenderOptions } from '../workflow.js';
import { cycleContext, dropEngineWork, openEngine, proveOn, proveSteps } from './engines.js';

/** A round-trip context whose base is built from `revision` of the checkout's history, not from its files. */
function fromRevision(ctx: Context, revision: string): CycleContext {
  const based = cycleContext(ctx, 'vcs');
  based.trip.base.revision = revision;
  return based;
}

/**
 * ci's proof of the newest migration: verify's tree (find the newest migration, prove it
 * on each engine in turn), with the base built from a commit that lacks the migration,
 * since in CI everything is committed and no development database exists. When
 * `devdb verify --all --from REV` exists, this is where ci switches to it, to prove
 * every migration the branch adds rather than the newest.
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
  const runs = lanes.map((lane) => lane.run);
  try {
    await runLoop(nodes, render);
  } catch (error) {
    // An engine that cannot be opened (no server, no driver) ends the loop; ci still reports what ran.
    return { runs, error };
  }
  return { runs };
}
