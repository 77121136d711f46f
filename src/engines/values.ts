import { createHash } from 'node:crypto';

/**
 * Value fingerprints: what each row holds, column by column, keyed by primary key, so
 * the round trip can tell values that vanished while the row count stayed the same.
 * A cell is "length:hash" of the value's text, or null for NULL; the length also
 * tells whether a value fits a declared length.
 */
export type Cell = string | null;

/** One table's values; a table without a primary key has no stable row identity and is left out. */
export interface TableValues {
  table: string;
  key: string[];
  /** Per primary key (its parts as JSON), per column. */
  rows: Map<string, Record<string, Cell>>;
}

// Short values are their own fingerprint: hashing each one would cost more than keeping it.
const SHORT = 40;

/** The cell of a value as a driver returns it. */
export function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return `${value.length}:${createHash('md5').update(value).digest('hex')}`;
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `${text.length}:${text.length <= SHORT ? text : createHash('md5').update(text).digest('hex')}`;
}

/** A cell computed by the database (its text's length and md5), as server engines read them. */
export const serverCell = (length: unknown, hash: unknown): Cell => (length === null || length === undefined ? null : `${String(length)}:${String(hash)}`);

/** The length of a cell's value in characters (bytes for binary), or undefined for NULL. */
export const cellLength = (cell: Cell): number | undefined => (cell === null ? undefined : Number(cell.slice(0, cell.indexOf(':'))));
