import { cacheable, cacheInputs, cacheKey, findEntry } from '../cache/reset-cache.js';
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

/** Builds a database from the env's target_metadata (create_all), for projects whose setup runs migrations instead; from where Alembic runs. */
const fromModels = (ctx: CycleContext): Command => ({ tool: ctx.python, args: [CREATE_FROM_MODELS, ctx.throwawayIni] });

/**
 * setup-db for the model database: only its schema is read, so when nothing setup-db
 * reads changed since a reset cached a database, that copy is restored instead (the
 * step's output says so). It never stores: only a reset, which runs repo-scan too,
 * fills the cache.
 */
async function setUpOrRestore(ctx: CycleContext, io: StepIO): Promise<void> {
  const entry = cacheable(ctx) ? await findEntry(ctx, cacheKey(await cacheInputs(ctx))) : undefined;
  if (!entry) return setupDb().run(ctx, io);
  await restoreCached(ctx, entry);
  io.output(`setup-db served from the cache (${shown(ctx, entry.file)}): nothing it depends on changed since a reset built it`);
}

/**
 * What documented step 7 compares with: the throwaway database rebuilt from the
 * current models, the schema the migration must produce. Kallithea's setup-db builds it from the
 * models already; a plain Alembic project's setup runs migrations, so devdb
 * creates its tables straight from the env's target_metadata.
 */
export const modelDb: Step<CycleContext> = {
  id: 'model-db',
  title: (ctx) => `model-db: rebuild ${describeTarget(ctx.throwawayDb, ctx.root)} from the models`,
  plan: (ctx) => (ctx.preset.needsAdmin ? setupDb().plan(ctx) : [planCommand(fromModels(ctx))]),
  run: async (ctx, io) => {
    if (ctx.preset.needsAdmin) {
      await setUpOrRestore(ctx, io);
    } else {
      await recordOwned(ctx.stateDir, ctx.throwawayDb);
      // In the helper that read the revisions and runs the round trip: the models are imported once per run.
      const { exitCode, lines } = await runInProcess(ctx.python, ctx.alembicDir, { name: PYTHON_FILE, path: CREATE_FROM_MODELS }, [ctx.throwawayIni], ctx.secrets, ctx.verbose ? (line) => io.output(line) : undefined);
      finish(fromModels(ctx), lines, exitCode, 'building the model database');
      await recordOwned(ctx.stateDir, ctx.throwawayDb);
    }
    ctx.trip.modelSchema = await inspect(ctx.throwawayDb);
  },
  // On a server the round trip's own clean-up drops the throwaway database, with the base.
  cleanUp: (ctx) => (ctx.throwawayDb.file ? removeHalfBuilt(ctx) : undefined),
};
