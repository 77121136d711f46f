import { DevdbError, EXIT } from '../errors.js';
import { alembic } from '../presets/command.js';
import { compareWithModels, planOnBase, type CycleContext } from './shared/round-trip.js';
import { shown, runTool, type Step } from './step.js';

const CHECK = { id: 'reupgrade', title: 'Upgrade again and compare with the models' } as const;

/** Documented step 7, the upgrade once more: upgrade the base again after the downgrade; it must match the database built from the models once more. */
export const reupgrade: Step<CycleContext> = {
  id: 'reupgrade',
  title: () => 'reupgrade: upgrade again and compare with the models',
  plan: (ctx) => [planOnBase(ctx, 'upgrade', 'head')],
  skip: (ctx) => (ctx.trip.checks.some((c) => c.id === 'downgrade' && c.status === 'skipped') ? 'the downgrade is irreversible' : false),
  run: async (ctx, io) => {
    try {
      await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'upgrade', 'head'), io, 'the second upgrade');
    } catch (error) {
      const kept = ctx.trip.checks.find((c) => c.id === 'downgrade' && c.status === 'allowed');
      if (!kept || !(error instanceof DevdbError)) throw error;
      // The documented no-op downgrade leaves the columns behind, so an unguarded add_column cannot run twice.
      const columns = kept.allowed.map((c) => `${c.table}.${c.object}`).join(', ');
      throw new DevdbError(
        `The upgrade cannot run again after the downgrade kept ${columns} (${error.message.replace(/^the second upgrade failed: /, '').replace(/; fix the cause.*$/, '')}); drop the column${kept.allowed.length > 1 ? 's' : ''} in the downgrade, or make the upgrade skip columns that already exist.`,
        { exitCode: EXIT.failed, detail: error.detail },
      );
    }
    await compareWithModels(ctx, CHECK);
  },
};
