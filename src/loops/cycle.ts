import type { Context } from '../context.js';
import type { EngineName } from '../schema/model.js';
import { readMigration } from '../migration/script.js';
import { apply } from '../steps/apply.js';
import { autogenerate } from '../steps/autogenerate.js';
import { baseDb } from '../steps/base-db.js';
import { dropDb } from '../steps/drop-db.js';
import { openEditor } from '../steps/shared/edit-draft.js';
import { makeConfig } from '../steps/make-config.js';
import { modelDb } from '../steps/model-db.js';
import { pointDb } from '../steps/point-db.js';
import { preflight } from '../steps/preflight.js';
import { replaceDraft } from '../steps/replace-draft.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import type { Step } from '../steps/step.js';
import { EngineRun, sideBySide, type Hook, type Node } from '../workflow.js';
import { cycleContext, dropEngineWork, openEngine, proveOn, proveSteps, roundTripSteps, unlessNoChange } from './engines.js';

/** What the user chose for a cycle, besides the engines. */
export interface CycleChoices {
  message: string;
  apply?: boolean;
  upgradeFirst?: boolean;
  base?: 'dev' | 'vcs';
  edit?: boolean;
  strict?: boolean;
}

/** Steps 1, 5 and 6 of the loop: replace the previous draft, check the development database, build the base and the models, autogenerate. */
const generateSteps = (options: CycleChoices): Step<CycleContext>[] => [
  replaceDraft,
  preflight({ upgradeFirst: options.upgradeFirst ?? false }),
  makeConfig({ fresh: false }),
  pointDb,
  baseDb,
  dropDb({ force: false }),
  modelDb,
  autogenerate({ message: options.message }),
];

/** Step 7 on the development database, unless --no-apply. */
const applySteps = (options: CycleChoices): Step<CycleContext>[] => (options.apply === false ? [] : [unlessNoChange(apply)]);

/** Every step of a cycle on one engine, in order: what --dry-run plans. */
export const cycleSteps = (options: CycleChoices): Step<CycleContext>[] => [...generateSteps(options), ...roundTripSteps.map(unlessNoChange), ...applySteps(options)];

/** --edit: the editor needs the terminal to itself, so the progress list waits while it runs; what it saved is what gets proven. */
const editDraft = (ctx: CycleContext, when: () => boolean): Hook => ({
  hook: 'edit the draft',
  when,
  run: async (terminal) => {
    const migration = ctx.trip.migration!;
    await terminal.alone(() => openEditor(migration.file));
    migration.script = await readMigration(ctx.python, migration.file, ctx.alembicDir);
  },
});

/** A cycle's tree and the engines' runs it fills (only those the loop got to). */
export interface CycleLoop {
  nodes: Node[];
  runs(): EngineRun<CycleContext>[];
}

/**
 * The cycle as one tree: "Generate the draft" on the first engine, then "Prove it on"
 * each engine, side by side (the others with their own throwaway INI, base and model
 * database first), then "Apply" — only when every engine passed. Each engine's
 * databases are dropped as soon as its part ends; the other engines' contexts are made
 * only once there is a draft to prove.
 */
export function cycleLoop(ctx: CycleContext, engines: EngineName[], options: CycleChoices, load: (engine: EngineName) => Promise<Context>): CycleLoop {
  const home = new EngineRun(ctx);
  // Set by autogenerate, the last step of "Generate the draft": so the draft passed its generation.
  const drafted = (): boolean => ctx.trip.migration !== undefined;
  const others = engines.slice(1).map((engine) => {
    const run = new EngineRun(async () => {
      const other = cycleContext(await load(engine), options.base === 'vcs' ? 'vcs' : undefined, options.strict);
      other.trip.migration = ctx.trip.migration;
      return other;
    });
    return { engine, run };
  });
  const apply = applySteps(options);
  const nodes: Node[] = [
    { group: 'Generate the draft', run: home, steps: generateSteps(options) },
    ...(options.edit ? [editDraft(ctx, drafted)] : []),
    ...sideBySide([
      { engine: ctx.engine, nodes: [proveOn(ctx.engine, home, roundTripSteps.map(unlessNoChange), drafted), dropEngineWork(ctx.engine, home)] },
      ...others.map(({ engine, run }) => ({ engine, nodes: [openEngine(engine, run, drafted), proveOn(engine, run, proveSteps, drafted), dropEngineWork(engine, run)] })),
    ]),
    ...(apply.length > 0 ? [{ group: 'Apply', run: home, steps: apply, when: () => drafted() && !ctx.trip.noChange && others.every((o) => o.run.opened && !o.run.error) }] : []),
  ];
  return { nodes, runs: () => [home, ...others.filter((o) => o.run.opened).map((o) => o.run)] };
}
