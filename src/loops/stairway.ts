import { loadContext, type Context } from '../context.js';
import type { EngineName } from '../schema/model.js';
import { baseDb } from '../steps/base-db.js';
import { dropDb } from '../steps/drop-db.js';
import { findChain } from '../steps/find-chain.js';
import { makeConfig } from '../steps/make-config.js';
import { modelDb } from '../steps/model-db.js';
import { pointDb } from '../steps/point-db.js';
import type { StairwayContext, Walk } from '../steps/shared/stairway.js';
import { stair } from '../steps/stair.js';
import { startDb } from '../steps/start-db.js';
import type { Step } from '../steps/step.js';
import { EngineRun, runLoop, sideBySide, type Node } from '../workflow.js';
import { cycleContext, dropEngineWork, enginesFor, openEngine } from './engines.js';
import type { VerifyOptions } from './verify.js';

/** What verify --all takes besides the engines. */
export interface WalkChoices {
  from?: string;
  to?: string;
  strict?: boolean;
  /**
   * The commit a base built the committed way comes from (ci: the merge base), instead of
   * the checkout's own: it is already at --from's parent or just above, so the walk down
   * to the start runs none of the branch's downgrades before they are proven one by one.
   */
  baseCommit?: string;
}

/**
 * A context for the walk: a history that replays from an empty database (setup:
 * migrations) starts there; any other (built from the models, or by the project's
 * command) starts from the head built the committed way.
 */
function stairwayContext(context: Context, choices: WalkChoices): StairwayContext {
  const mode: Walk['mode'] = context.preset.setup === 'migrations' ? 'empty' : 'committed';
  const ctx: StairwayContext = { ...cycleContext(context, undefined), walk: { mode, from: choices.from, to: choices.to, strict: choices.strict ?? false, order: [], stairs: [], results: [] } };
  if (mode === 'committed') ctx.trip.base = { kind: 'vcs', ...(choices.baseCommit ? { revision: choices.baseCommit } : {}) };
  return ctx;
}

/** The steps before the walk: the throwaway INI, the history, the start, and the database from the models the head must match. */
const startSteps = (ctx: StairwayContext): Step<StairwayContext>[] => [
  makeConfig({ fresh: false }),
  pointDb,
  findChain,
  ...(ctx.walk.mode === 'committed' ? [baseDb] : []),
  startDb,
  dropDb({ force: false }),
  modelDb,
];

/**
 * verify --all as one tree: on each engine, side by side, "Find the start" then "Walk
 * the history", one line per revision; an engine that fails does not stop the others.
 */
export function stairwayLoop(first: Context, engines: EngineName[], choices: WalkChoices, load: (engine: EngineName) => Promise<Context>): { nodes: Node[]; runs: EngineRun<StairwayContext>[] } {
  const several = engines.length > 1;
  const lanes = engines.map((engine) => ({
    engine,
    run: new EngineRun<StairwayContext>(engine === first.engine ? stairwayContext(first, choices) : async () => stairwayContext(await load(engine), choices)),
  }));
  const nodes = sideBySide(
    lanes.map(({ engine, run }) => ({
      engine,
      nodes: [
        openEngine(engine, run),
        { group: `Find where the walk starts${several ? ` on ${engine}` : ''}`, run, steps: () => startSteps(run.ctx) },
        { group: `Walk the history on ${engine}`, run, steps: () => run.ctx.walk.stairs.map(stair) },
        dropEngineWork(engine, run),
      ],
    })),
  );
  return { nodes, runs: lanes.map((lane) => lane.run) };
}

/** verify --all on the engines asked for: the engines' runs, for the report. */
export async function verifyHistory(options: VerifyOptions & WalkChoices): Promise<EngineRun<StairwayContext>[]> {
  const first = await loadContext({ ...options, engine: options.engine === 'all' ? undefined : options.engine }, { needPassword: true });
  const { nodes, runs } = stairwayLoop(first, enginesFor(first, options.engine), options, (engine) => loadContext({ ...options, engine }, { needPassword: true }));
  await runLoop(nodes, { json: options.json ?? false, verbose: first.verbose });
  return runs;
}
