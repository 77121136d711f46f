import { DevdbError, EXIT } from '../errors.js';
import { alembic } from '../presets/command.js';
import type { SchemaChange } from '../schema/diff.js';
import { planOnBase } from './base-db.js';
import type { CycleContext } from './shared/round-trip.js';
import { inspect, recordCheck, rows } from './shared/round-trip.js';
import { shown, runTool, type Step } from './step.js';

/** Step 7 (and 9): upgrade the base to head; it must then match the database built from the models. */
export function upgradeBase({ again }: { again: boolean }): Step<CycleContext> {
  const id = again ? 'reupgrade' : 'upgrade';
  const title = again ? 'Upgrade again and compare with the models' : 'Upgrade the base to head and compare with the models';
  return {
    id,
    title: () => title,
    plan: (ctx) => [planOnBase(ctx, 'upgrade', 'head')],
    run: async (ctx, io) => {
      try {
        await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'upgrade', 'head'), io, again ? 'the second upgrade' : 'the upgrade');
      } catch (error) {
        const kept = ctx.trip.checks.find((c) => c.id === 'downgrade' && c.status === 'allowed');
        if (!again || !kept || !(error instanceof DevdbError)) throw error;
        // The documented no-op downgrade leaves the columns behind, so an unguarded add_column cannot run twice.
        const columns = kept.allowed.map((c) => `${c.table}.${c.object}`).join(', ');
        throw new DevdbError(
          `The upgrade cannot run again after the downgrade kept ${columns} (${error.message.replace(/^the second upgrade failed: /, '').replace(/; fix the cause.*$/, '')}); drop the column${kept.allowed.length > 1 ? 's' : ''} in the downgrade, or make the upgrade skip columns that already exist.`,
          { exitCode: EXIT.failed, detail: error.detail },
        );
      }
      ctx.trip.rows[id] = await rows(ctx.trip.baseDb);
      recordCheck(ctx.trip, { id, title }, ctx.trip.modelSchema!, await inspect(ctx.trip.baseDb));
    },
  };
}

/** Columns the upgrade adds and the downgrade leaves alone: the documented no-op downgrade, on purpose. */
function keptOnPurpose(ctx: CycleContext): (change: SchemaChange) => boolean {
  const functions = ctx.trip.migration!.script.functions;
  const added = new Set((functions?.upgrade.ops ?? []).filter((op) => op.name === 'add_column').map((op) => `${op.table}.${op.column}`));
  const dropped = new Set((functions?.downgrade?.ops ?? []).filter((op) => op.name === 'drop_column').map((op) => `${op.table}.${op.column}`));
  return (change) => change.kind === 'column-added' && added.has(`${change.table}.${change.object}`) && !dropped.has(`${change.table}.${change.object}`);
}

/** Step 8: downgrade one step; it must match the base as it was, but for columns kept on purpose. */
export const downgradeBase: Step<CycleContext> = {
  id: 'downgrade',
  title: () => 'Downgrade one step and compare with the base as it was',
  plan: (ctx) => [planOnBase(ctx, 'downgrade', String(ctx.trip.migration?.script.downRevision ?? '-1'))],
  run: async (ctx, io) => {
    const parent = ctx.trip.migration!.script.downRevision;
    const target = typeof parent === 'string' ? parent : '-1';
    await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'downgrade', target), io, 'the downgrade');
    ctx.trip.rows.downgrade = await rows(ctx.trip.baseDb);
    const title = 'Downgrade one step and compare with the base as it was';
    recordCheck(ctx.trip, { id: 'downgrade', title }, ctx.trip.beforeSchema!, await inspect(ctx.trip.baseDb), keptOnPurpose(ctx));
  },
};
