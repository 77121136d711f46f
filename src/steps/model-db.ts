import { recordOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import { CREATE_FROM_MODELS } from '../presets/alembic.js';
import type { Command } from '../presets/command.js';
import type { CycleContext } from './shared/round-trip.js';
import { inspect } from './shared/round-trip.js';
import { setupDb } from './setup-db.js';
import { planCommand, runTool, type Step } from './step.js';

/** Builds a database from the env's target_metadata (create_all), for projects whose setup runs migrations instead; from where Alembic runs. */
const fromModels = (ctx: CycleContext): Command => ({ tool: ctx.python, args: [CREATE_FROM_MODELS, ctx.throwawayIni] });

/**
 * Step 3 of the round trip: the throwaway database rebuilt from the current models,
 * the schema the migration must produce. Kallithea's setup-db builds it from the
 * models already; a plain Alembic project's setup runs migrations, so devdb
 * creates its tables straight from the env's target_metadata.
 */
export const modelDb: Step<CycleContext> = {
  id: 'model-db',
  title: (ctx) => `Rebuild ${describeTarget(ctx.throwawayDb, ctx.root)} from the models`,
  plan: (ctx) => (ctx.preset.needsAdmin ? setupDb.plan(ctx) : [planCommand(fromModels(ctx))]),
  run: async (ctx, io) => {
    if (ctx.preset.needsAdmin) {
      await setupDb.run(ctx, io);
    } else {
      await recordOwned(ctx.stateDir, ctx.throwawayDb);
      await runTool(ctx, fromModels(ctx), io, 'building the model database', { cwd: ctx.alembicDir });
      await recordOwned(ctx.stateDir, ctx.throwawayDb);
    }
    ctx.trip.modelSchema = await inspect(ctx.throwawayDb);
  },
};
