import { engineFor } from '../../engines/index.js';
import { matchRows, NULL_LENGTH, type RowKey, type TableValues } from '../../engines/values.js';
import { failure } from '../../errors.js';
import type { MigrationScript } from '../../migration/script.js';
import type { Schema } from '../../schema/model.js';
import type { RoundTrip } from './round-trip.js';

export type Moment = 'before' | 'upgrade' | 'downgrade' | 'reupgrade';

/** Values of a column that were there before a step and are gone or NULL after it; `column` null: a whole table dropped. */
export interface LostValues {
  step: 'upgrade' | 'downgrade' | 'reupgrade';
  table: string;
  column: string | null;
  /** Rows whose value vanished (for a table: its rows). */
  rows: number;
  /** A column the same upgrade adds to the table: the rename the drop and add may mean. */
  renamedTo: string | null;
  /** By a `# devdb: allow data-loss` marker or --accept-data-loss. */
  allowed: boolean;
}

/** Values that do not fit a column's declared length after the upgrade. */
export interface Truncation {
  table: string;
  column: string;
  type: string;
  declared: number;
  /** How many rows hold a longer value. */
  count: number;
  /** Up to three of them: primary key and length. */
  rows: { key: string; length: number }[];
}

export interface ValueChecks {
  taken: Partial<Record<Moment, TableValues[]>>;
  lost: LostValues[];
  truncated: Truncation[];
  /** What the downgrade does not bring back (reported, not a failure). */
  downgradeLost: LostValues[];
  /** Allow-data-loss markers that match nothing the upgrade loses. */
  warnings: string[];
}

export const newValueChecks = (): ValueChecks => ({ taken: {}, lost: [], truncated: [], downgradeLost: [], warnings: [] });

/** Tables the migration's upgrade or downgrade names. */
export function touchedTables(script: MigrationScript | undefined): string[] {
  const ops = [...(script?.functions?.upgrade.ops ?? []), ...(script?.functions?.downgrade?.ops ?? [])];
  return [...new Set(ops.map((op) => op.table).filter((t): t is string => typeof t === 'string'))];
}

/** Fingerprints the touched tables' values at one moment of the round trip. */
export async function takeValues(trip: RoundTrip, moment: Moment): Promise<void> {
  const tables = touchedTables(trip.migration?.script);
  trip.values.taken[moment] = tables.length === 0 ? [] : await (await engineFor(trip.baseDb.engine)).values(trip.baseDb, tables);
}

/** A primary key for sentences: its one part, else its parts. */
const shownKey = (key: RowKey, parts: number): string => (parts === 1 ? String(key) : (JSON.parse(String(key)) as unknown[]).map(String).join(', '));

const LENGTH = /char[\w ]*\(\s*(\d+)\s*\)/i;

/**
 * Values that do not fit the length `schema` declares for their column, for the columns
 * whose declared type the migration changed from `beforeSchema` (SQLite keeps an
 * over-long value, the servers refuse or cut it: the same answer on every engine).
 */
export function truncations(before: TableValues[], beforeSchema: Schema, schema: Schema): Truncation[] {
  const found: Truncation[] = [];
  for (const values of before) {
    const table = schema.tables.find((t) => t.name === values.table);
    const old = beforeSchema.tables.find((t) => t.name === values.table);
    for (const column of table?.columns ?? []) {
      const declared = LENGTH.exec(column.type);
      const previous = old?.columns.find((c) => c.name === column.name);
      if (!declared || !previous || previous.type.toLowerCase() === column.type.toLowerCase()) continue;
      const limit = Number(declared[1]);
      const lengths = values.lengths[values.columns.indexOf(column.name)];
      if (!lengths) continue;
      const long = values.keys
        .map((key, i) => ({ key: shownKey(key, values.key.length), length: lengths[i]! }))
        .filter((row) => row.length > limit)
        .sort((a, b) => b.length - a.length);
      if (long.length > 0) found.push({ table: values.table, column: column.name, type: column.type, declared: limit, count: long.length, rows: long.slice(0, 3) });
    }
  }
  return found;
}

/** Fails when the values taken at `moment` do not all fit `schema`. */
export function failOnTruncation(trip: RoundTrip, moment: Moment, schema: Schema, detail?: string): void {
  const values = trip.values.taken[moment];
  if (!values || !trip.beforeSchema) return;
  trip.values.truncated = truncations(values, trip.beforeSchema, schema);
  const [first] = trip.values.truncated;
  if (!first) return;
  const rows = first.rows.map((r) => `${r.key} (${r.length} characters)`).join(', ');
  throw failure(
    `The upgrade narrows ${first.table}.${first.column} to ${first.type}, and ${first.count} row${first.count > 1 ? 's hold' : ' holds'} a longer value (primary key ${rows})${trip.values.truncated.length > 1 ? `, and ${trip.values.truncated.length - 1} more column${trip.values.truncated.length > 2 ? 's' : ''}` : ''}; keep the column at least ${first.rows[0]!.length} characters long (the longest value there, devdb's boundary rows included), or shorten the values first in the migration: op.execute("UPDATE ${first.table} SET ${first.column} = substr(${first.column}, 1, ${first.declared}) WHERE length(${first.column}) > ${first.declared}").`,
    detail,
  );
}

/**
 * Whether the values of a column that is gone were carried into a column the step added
 * (a rename done as add, copy, drop): that column holds a value in every row the old one did.
 */
function carried(before: TableValues, after: TableValues, match: Int32Array, lengths: Int32Array): boolean {
  return after.columns.some((column, j) => {
    if (before.columns.includes(column)) return false;
    const now = after.lengths[j]!;
    for (let row = 0; row < lengths.length; row++) if (lengths[row] !== NULL_LENGTH && match[row]! >= 0 && now[match[row]!] === NULL_LENGTH) return false;
    return true;
  });
}

/**
 * Columns (by primary key, row by row) whose non-NULL values in `from` are missing or NULL
 * in `to`, but for a column gone whose values a new column carries.
 */
export function vanished(from: TableValues[], to: TableValues[]): { table: string; column: string; rows: number; gone: boolean }[] {
  const found: { table: string; column: string; rows: number; gone: boolean }[] = [];
  for (const before of from) {
    const after = to.find((t) => t.table === before.table);
    if (!after) continue;
    // Where each column of `before` is in `after`, -1 where it is gone.
    const at = before.columns.map((column) => after.columns.indexOf(column));
    const counts = before.columns.map(() => 0);
    const match = matchRows(before, after);
    before.lengths.forEach((lengths, i) => {
      const now = at[i]! < 0 ? undefined : after.lengths[at[i]!]!;
      for (let row = 0; row < lengths.length; row++) {
        if (lengths[row] !== NULL_LENGTH && match[row]! >= 0 && (!now || now[match[row]!] === NULL_LENGTH)) counts[i]! += 1;
      }
    });
    counts.forEach((rows, i) => {
      const gone = at[i]! < 0;
      if (rows > 0 && !(gone && carried(before, after, match, before.lengths[i]!))) found.push({ table: before.table, column: before.columns[i]!, rows, gone });
    });
  }
  return found;
}
