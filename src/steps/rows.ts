import { failure } from '../errors.js';
import type { CycleContext, RowCounts } from './shared/round-trip.js';
import type { Step } from './step.js';

/** Tables with fewer rows in `after` than in `before` (a missing table has none). */
const losses = (before: RowCounts, after: RowCounts): { table: string; before: number; after: number }[] =>
  Object.entries(before)
    .filter(([table, n]) => (after[table] ?? 0) < n)
    .map(([table, n]) => ({ table, before: n, after: after[table] ?? 0 }));

/** Documented step 7, on the data: the upgrades lose no rows; what the downgrade loses is reported table by table. */
export const rows: Step<CycleContext> = {
  id: 'rows',
  title: () => 'rows: check the upgrades lost no rows',
  plan: () => ['compare row counts per table before and after each step'],
  run: async (ctx, io) => {
    const { before, upgrade } = ctx.trip.rows;
    // An irreversible downgrade was not run: nothing left the upgraded database.
    const downgrade = ctx.trip.rows.downgrade ?? upgrade;
    const reupgrade = ctx.trip.rows.reupgrade ?? upgrade;
    // Tables the upgrade drops on purpose lose their rows by design; lint has warned about them.
    const upgradeOps = ctx.trip.migration?.script.functions?.upgrade.ops ?? [];
    const dropped = new Set(upgradeOps.filter((op) => op.name === 'drop_table').map((op) => op.table));
    ctx.trip.downgradeLosses = losses(upgrade!, downgrade!);
    for (const loss of ctx.trip.downgradeLosses) io.output(`the downgrade leaves ${loss.after} of ${loss.before} rows in ${loss.table}`);
    const lost = [...losses(before!, upgrade!), ...losses(downgrade!, reupgrade!)].filter((l) => !dropped.has(l.table));
    if (lost.length > 0) {
      throw failure(`The upgrade lost rows: ${lost.map((l) => `${l.table} ${l.before} → ${l.after}`).join(', ')}; make the migration keep them (copy the data before dropping or recreating a table).`);
    }
  },
};
