import { alembic } from '../presets/command.js';
import type { MigrationScript } from '../migration/script.js';
import type { SchemaChange } from '../schema/diff.js';
import { takeValues } from './shared/values.js';
import { failure } from '../errors.js';
import { countRows, declaredIrreversible, inspect, planOnBase, recordCheck, sidesOf, type CycleContext } from './shared/round-trip.js';
import { shown, runTool, type Step } from './step.js';

const CHECK = { id: 'downgrade', title: 'Downgrade one step and compare with the base as it was' } as const;

/** Columns the upgrade adds and the downgrade leaves alone: the documented no-op downgrade, on purpose. */
export function keptOnPurpose(script: MigrationScript): (change: SchemaChange) => boolean {
  const functions = script.functions;
  const added = new Set((functions?.upgrade.ops ?? []).filter((op) => op.name === 'add_column').map((op) => `${op.table}.${op.column}`));
  const dropped = new Set((functions?.downgrade?.ops ?? []).filter((op) => op.name === 'drop_column').map((op) => `${op.table}.${op.column}`));
  return (change) => change.kind === 'column-added' && added.has(`${change.table}.${change.object}`) && !dropped.has(`${change.table}.${change.object}`);
}

/** Documented step 7, the downgrade: downgrade one step; the base must match itself as it was, but for columns kept on purpose. */
export const downgrade: Step<CycleContext> = {
  id: 'downgrade',
  title: () => 'downgrade: downgrade one step and compare with the base as it was',
  plan: (ctx) => [planOnBase(ctx, 'downgrade', String(ctx.trip.migration?.script.downRevision ?? '-1'))],
  skip: async (ctx) => {
    if (ctx.trip.strict || !(await declaredIrreversible(ctx))) return false;
    ctx.trip.checks.push({ ...CHECK, status: 'skipped', changes: [], allowed: [], sides: sidesOf('downgrade'), fixes: [], misses: [] });
    return 'irreversible: downgrade() raises NotImplementedError';
  },
  run: async (ctx, io) => {
    if (await declaredIrreversible(ctx)) {
      throw failure('The migration declares its downgrade irreversible (downgrade() raises NotImplementedError), and --strict makes that a failure; write a downgrade() that undoes upgrade(), or run without --strict.');
    }
    const parent = ctx.trip.migration!.script.downRevision;
    await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'downgrade', typeof parent === 'string' ? parent : '-1'), io, 'the downgrade');
    ctx.trip.rows.downgrade = await countRows(ctx.trip.baseDb);
    await takeValues(ctx.trip, 'downgrade');
    recordCheck(ctx.trip, CHECK, ctx.trip.beforeSchema!, await inspect(ctx.trip.baseDb), keptOnPurpose(ctx.trip.migration!.script));
  },
};
