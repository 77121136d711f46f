import { loadContext, type Context, type GlobalOptions } from '../context.js';
import type { EngineName } from '../schema/model.js';
import { findNewest } from '../steps/find-newest.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import { EngineRun, runLoop, sideBySide, type Node } from '../workflow.js';
import { cycleContext, dropEngineWork, enginesFor, openEngine, proveOn, proveSteps } from './engines.js';

export interface VerifyOptions extends GlobalOptions {
  base?: 'dev' | 'vcs';
  engine?: EngineName | 'all';
  strict?: boolean;
}

/**
 * verify as one tree: on each engine, side by side, "Find the newest migration" (and
 * the database before it, which differs by engine), then "Prove it on" that engine; an
 * engine that fails does not stop the others. Each engine's context is made as its
 * part starts, and its databases are dropped when its part ends.
 */
export function verifyLoop(first: Context, engines: EngineName[], base: 'dev' | 'vcs' | undefined, load: (engine: EngineName) => Promise<Context>, strict = false): { nodes: Node[]; runs: EngineRun<CycleContext>[] } {
  const several = engines.length > 1;
  const lanes = engines.map((engine) => ({ engine, run: new EngineRun(engine === first.engine ? cycleContext(first, base, strict) : async () => cycleContext(await load(engine), base, strict)) }));
  const nodes = sideBySide(
    lanes.map(({ engine, run }) => ({
      engine,
      nodes: [openEngine(engine, run), { group: `Find the newest migration${several ? ` for ${engine}` : ''}`, run, steps: [findNewest] }, proveOn(engine, run, proveSteps), dropEngineWork(engine, run)],
    })),
  );
  return { nodes, runs: lanes.map((lane) => lane.run) };
}

/** Proves the newest migration on the engines asked for (verify, and check --verify): the engines' runs, for the report. */
export async function verifyNewest(options: VerifyOptions): Promise<EngineRun<CycleContext>[]> {
  const first = await loadContext({ ...options, engine: options.engine === 'all' ? undefined : options.engine }, { needPassword: true });
  const { nodes, runs } = verifyLoop(first, enginesFor(first, options.engine), options.base, (engine) => loadContext({ ...options, engine }, { needPassword: true }), options.strict);
  await runLoop(nodes, { json: options.json ?? false, verbose: first.verbose });
  return runs;
}
