import fs from 'fs-extra';
import { failure } from '../errors.js';
import { allowsLoss, readMarkers } from '../migration/markers.js';
import type { CycleContext } from './shared/round-trip.js';
import { vanished, type LostValues } from './shared/values.js';
import type { Step } from './step.js';

/** The paste-ready rename for a column written as drop and add; SQLite needs batch mode to rename. */
const renameOp = (ctx: CycleContext, table: string, from: string, to: string): string =>
  ctx.engine === 'sqlite'
    ? `with op.batch_alter_table('${table}') as batch_op: batch_op.alter_column('${from}', new_column_name='${to}')`
    : `op.alter_column('${table}', '${from}', new_column_name='${to}')`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One loss, for sentences. */
const describeLoss = (loss: LostValues): string =>
  loss.column === null
    ? `table ${loss.table} is dropped with ${plural(loss.rows, 'row')}`
    : loss.renamedTo
      ? `${loss.table}.${loss.column} is dropped with ${plural(loss.rows, 'value')} while ${loss.table}.${loss.renamedTo} is added (a rename written as drop and add)`
      : `${loss.table}.${loss.column} loses ${plural(loss.rows, 'value')}`;

/** Documented step 7, on the values: no value the base held before the upgrade vanishes unless the migration says the loss is intended. */
export const values: Step<CycleContext> = {
  id: 'values',
  title: () => 'values: check the upgrades lost no values',
  plan: () => ['compare each row\'s values, by primary key, before and after each step'],
  run: async (ctx, io) => {
    const { trip } = ctx;
    const { taken } = trip.values;
    const markers = readMarkers(await fs.readFile(trip.migration!.file, 'utf8'));
    const allowed = (table: string, column: string | null): boolean => ctx.acceptDataLoss || allowsLoss(markers, table, column ?? undefined);
    const upgradeOps = trip.migration!.script.functions?.upgrade.ops ?? [];
    const addedTo = (table: string): string | null => upgradeOps.find((op) => op.name === 'add_column' && op.table === table)?.column ?? null;
    const losses = (step: LostValues['step'], found: ReturnType<typeof vanished>): LostValues[] =>
      found.map(({ table, column, rows, gone }) => ({ step, table, column, rows, renamedTo: gone ? addedTo(table) : null, allowed: allowed(table, column) }));
    const lost = losses('upgrade', vanished(taken.before ?? [], taken.upgrade ?? []));
    // What the upgrade loses the second time, from where the downgrade left the data (what the downgrade lost is its own, below).
    const again = losses('reupgrade', vanished(taken.downgrade ?? [], taken.reupgrade ?? []));
    lost.push(...again.filter((l) => !lost.some((u) => u.table === l.table && u.column === l.column)));
    for (const op of upgradeOps.filter((o) => o.name === 'drop_table' && o.table !== null)) {
      const table = op.table!;
      const rows = trip.rows.before?.[table] ?? 0;
      if (rows > 0 && trip.rows.upgrade?.[table] === undefined) lost.push({ step: 'upgrade', table, column: null, rows, renamedTo: null, allowed: allowed(table, null) });
    }
    trip.values.lost = lost;
    trip.values.downgradeLost = losses('downgrade', vanished(taken.before ?? [], taken.downgrade ?? []));
    for (const marker of markers) {
      if (marker.kind !== 'allow-data-loss') continue;
      for (const target of marker.targets.filter((t) => !lost.some((l) => l.table === t || `${l.table}.${l.column}` === t))) {
        trip.values.warnings.push(`line ${marker.line}: "# devdb: allow data-loss ${target}" matches nothing the upgrade loses; remove it, or name the table or table.column the upgrade drops.`);
      }
    }
    for (const warning of trip.values.warnings) io.output(`warning: ${warning}`);
    for (const loss of lost.filter((l) => l.allowed)) io.output(`allowed data loss: ${describeLoss(loss)}`);
    for (const loss of trip.values.downgradeLost) io.output(`the downgrade does not bring back ${loss.table}.${loss.column} (${plural(loss.rows, 'value')})`);
    const failing = lost.filter((l) => !l.allowed);
    if (failing.length === 0) return;
    const renames = failing.filter((l) => l.renamedTo !== null).map((l) => renameOp(ctx, l.table, l.column!, l.renamedTo!));
    const marker = failing.map((l) => (l.column === null ? l.table : `${l.table}.${l.column}`)).join(', ');
    throw failure(
      `The upgrade loses data: ${failing.map(describeLoss).join('; ')}; ${renames.length > 0 ? `write the rename as ${renames.join(' and ')}, or, ` : 'keep the data (copy it elsewhere first), or, '}if the loss is intended, add "# devdb: allow data-loss ${marker}" to the migration or pass --accept-data-loss.`,
    );
  },
};
