import { cacheable, cacheInputs, findSchemaEntry } from '../cache/reset-cache.js';
import { recordOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import { CREATE_FROM_MODELS } from '../presets/alembic.js';
import type { Command } from '../presets/command.js';
import { PYTHON_FILE, runInProcess } from '../python/alembic-server.js';
import { finish } from '../python/run.js';
import type { CycleContext } from './shared/round-trip.js';
import { inspect } from './shared/round-trip.js';
import { restoreCached } from './shared/cached.js';
import { removeHalfBuilt } from './shared/databases.js';
import { setupDb } from './setup-db.js';
import { planCommand, shown, type Step, type StepIO } from './step.js';

const importArgs = (ctx: CycleContext): string[] => (ctx.preset.schemaFromModels?.modules ?? []).flatMap((module) => ['--import', module]);

/** Builds a database from the env's target_metadata (create_all); from where Alembic runs. */
const fromModels = (ctx: CycleContext): Command => ({ tool: ctx.python, args: [CREATE_FROM_MODELS, ...importArgs(ctx), ctx.throwawayIni] });

/**
 * Whether create_all gives the schema setup-db would: the preset says so, on SQLite only
 * (on a server Kallithea's db-create also creates the database, with its own character set).
 */
const schemaFromModels = (ctx: CycleContext): boolean => ctx.preset.schemaFromModels !== undefined && ctx.throwawayDb.engine === 'sqlite';

async function createFromModels(ctx: CycleContext, io: StepIO): Promise<void> {
  await recordOwned(ctx.stateDir, ctx.throwawayDb);
  // In the helper that read the revisions and runs the round trip: the models are imported once per run.
  const args = [...importArgs(ctx), ctx.throwawayIni];
  const { exitCode, lines } = await runInProcess(ctx.python, ctx.alembicDir, { name: PYTHON_FILE, path: CREATE_FROM_MODELS }, args, ctx.secrets, ctx.verbose ? (line) => io.output(line) : undefined);
  finish(fromModels(ctx), lines, exitCode, 'building the model database');
  await recordOwned(ctx.stateDir, ctx.throwawayDb);
}

/**
 * The model database of a preset whose setup-db takes the admin options: only its schema is
 * read, so a reset's cached copy is restored when it has setup-db's schema (it never stores:
 * only a reset, which runs repo-scan too, fills the cache); else create_all builds it where
 * that is known to be setup-db's schema (Kallithea on SQLite), a second or more faster than
 * db-create with its rows; else setup-db runs.
 */
async function buildLikeSetupDb(ctx: CycleContext, io: StepIO): Promise<void> {
  const found = cacheable(ctx) ? await findSchemaEntry(ctx, await cacheInputs(ctx)) : undefined;
  if (!found && schemaFromModels(ctx)) {
    await createFromModels(ctx, io);
    io.output('built with create_all from the models: setup-db would make the same schema, and only the schema is compared');
    return;
  }
  if (!found) return setupDb().run(ctx, io);
  await restoreCached(ctx, found.entry);
  io.output(
    found.exact
      ? `setup-db served from the cache (${shown(ctx, found.entry.file)}): nothing it depends on changed since a reset built it`
      : `setup-db's schema served from the cache (${shown(ctx, found.entry.file)}): the models, tools and configuration are those a reset built it from, and only the migrations or repositories differ, which add a stamp and rows, not tables`,
  );
}

/**
 * What documented step 7 compares with: the throwaway database rebuilt from the
 * current models, the schema the migration must produce: create_all on the env's
 * target_metadata (a plain Alembic project's setup runs migrations, which is what is
 * being proven), or for Kallithea what its setup-db makes.
 */
export const modelDb: Step<CycleContext> = {
  id: 'model-db',
  title: (ctx) => `model-db: rebuild ${describeTarget(ctx.throwawayDb, ctx.root)} from the models`,
  plan: (ctx) => (ctx.preset.needsAdmin && !schemaFromModels(ctx) ? setupDb().plan(ctx) : [planCommand(fromModels(ctx))]),
  run: async (ctx, io) => {
    if (ctx.preset.needsAdmin) await buildLikeSetupDb(ctx, io);
    else await createFromModels(ctx, io);
    ctx.trip.modelSchema = await inspect(ctx.throwawayDb);
  },
  // On a server the round trip's own clean-up drops the throwaway database, with the base.
  cleanUp: (ctx) => (ctx.throwawayDb.file ? removeHalfBuilt(ctx) : undefined),
};
