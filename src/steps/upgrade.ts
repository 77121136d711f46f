import { alembic } from '../presets/command.js';
import { explainFailure } from './shared/explain.js';
import { compareWithModels, planOnBase, type CycleContext } from './shared/round-trip.js';
import { shown, runTool, type Step } from './step.js';

const CHECK = { id: 'upgrade', title: 'Upgrade the base to head and compare with the models' } as const;

/** Documented step 7, the upgrade: upgrade the base to head; it must then match the database built from the models. */
export const upgrade: Step<CycleContext> = {
  id: 'upgrade',
  title: () => 'upgrade: upgrade the base to head and compare with the models',
  plan: (ctx) => [planOnBase(ctx, 'upgrade', 'head')],
  run: async (ctx, io) => {
    await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'upgrade', 'head'), io, 'the upgrade').catch((error: unknown) => {
      throw explainFailure(error);
    });
    await compareWithModels(ctx, CHECK);
  },
};
