import { alembic } from '../presets/command.js';
import { explainFailure } from './shared/explain.js';
import { compareWithModels, inspect, planOnBase, type CycleContext } from './shared/round-trip.js';
import { failOnTruncation } from './shared/values.js';
import { DevdbError } from '../errors.js';
import { shown, runTool, type Step } from './step.js';

/** PostgreSQL's and MariaDB's refusals of a value longer than its column. */
const TOO_LONG = /value too long for type|data too long for column|string data, right truncat/i;

const CHECK = { id: 'upgrade', title: 'Upgrade the base to head and compare with the models' } as const;

/** Documented step 7, the upgrade: upgrade the base to head; it must then match the database built from the models. */
export const upgrade: Step<CycleContext> = {
  id: 'upgrade',
  title: () => 'upgrade: upgrade the base to head and compare with the models',
  plan: (ctx) => [planOnBase(ctx, 'upgrade', 'head')],
  run: async (ctx, io) => {
    try {
      await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'upgrade', 'head'), io, 'the upgrade');
    } catch (error) {
      // A server refuses a narrowed column over longer values; naming the rows says more than its error.
      if (error instanceof DevdbError && TOO_LONG.test(`${error.message}\n${error.detail ?? ''}`)) failOnTruncation(ctx.trip, 'before', ctx.trip.modelSchema!, error.detail ?? error.message);
      throw explainFailure(error);
    }
    await compareWithModels(ctx, CHECK);
    // SQLite keeps what does not fit; what the migration itself shortened does.
    failOnTruncation(ctx.trip, 'upgrade', await inspect(ctx.trip.baseDb));
  },
};
