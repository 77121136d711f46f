/**
 * Value fingerprints: what each row holds, column by column, keyed by primary key, so
 * the round trip can tell values that vanished while the row count stayed the same,
 * and values longer than a column's new declared length. A cell's fingerprint is the
 * length of its value as text (bytes for binary), -1 for NULL, computed by the database:
 * that is all the comparisons need, and a hash per value costs more than the 1 s per
 * 100,000 rows the round trip may spend (scripts/bench-values.mjs).
 */

/** A row's primary key: its one part as the driver gives it, else its parts as JSON. */
export type RowKey = string | number | bigint;

export const NULL_LENGTH = -1;

/** One table's values; a table without a primary key has no stable row identity and is left out. */
export interface TableValues {
  table: string;
  key: string[];
  columns: string[];
  /** The primary key of each row, in the order of `lengths`. */
  keys: RowKey[];
  /** Per column in `columns` order, per row: the value's length, NULL_LENGTH for NULL. */
  lengths: Int32Array[];
}

export const rowKey = (parts: unknown[]): RowKey =>
  parts.length === 1 && ['string', 'number', 'bigint'].includes(typeof parts[0]) ? (parts[0] as RowKey) : JSON.stringify(parts);

/**
 * Collects rows of `[...key parts, ...lengths]`, as the engines select them, into TableValues.
 * `rows` is the result set, or an iterator over it so SQLite never holds it whole.
 */
export function collect(table: string, key: string[], columns: string[], rows: Iterable<unknown[]>, size: number): TableValues {
  const keys: RowKey[] = [];
  const lengths = columns.map(() => new Int32Array(size));
  let at = 0;
  for (const row of rows) {
    const first = row[0];
    keys.push(key.length === 1 && (typeof first === 'number' || typeof first === 'string') ? first : rowKey(row.slice(0, key.length)));
    for (let i = 0; i < columns.length; i++) {
      const length = row[key.length + i];
      lengths[i]![at] = length === null || length === undefined ? NULL_LENGTH : Number(length);
    }
    at += 1;
  }
  return { table, key, columns, keys, lengths };
}

/** Where each row of `from` is in `to` (-1: not there); rows read in the same order are matched without a lookup. */
export function matchRows(from: TableValues, to: TableValues): Int32Array {
  const match = new Int32Array(from.keys.length);
  let index: Map<RowKey, number> | undefined;
  from.keys.forEach((key, i) => {
    if (to.keys[i] === key) {
      match[i] = i;
    } else {
      index ??= new Map(to.keys.map((k, j) => [k, j]));
      match[i] = index.get(key) ?? -1;
    }
  });
  return match;
}
