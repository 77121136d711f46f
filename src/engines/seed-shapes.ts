import type { Column, Schema, Table } from '../schema/model.js';
import type { SeedResult } from './engine.js';
import { foreignKeyValues, reason, satisfyChecks, seedOrder, type Row, type SeedDatabase, type SeedValues, type Value } from './seed-values.js';

/**
 * Data shapes: beside the one plain row, boundary rows in every table the migration
 * touches, so a migration that breaks on real-looking data fails on the throwaway copy:
 * the longest string a column takes, NULL where it is nullable, non-ASCII text, zero,
 * negative and the largest numbers, the earliest and latest dates, and foreign keys
 * pointing at parent rows. A row the database refuses is reported, never a failure.
 */

/** The boundary rows, one per shape. */
export const SHAPES = ['longest', 'nulls', 'extremes'] as const;
export type Shape = (typeof SHAPES)[number];

// Latin-1 letters: non-ASCII, yet stored by a MariaDB table in its old default charset too.
const ACCENTED = 'éüñßàøç';
const UNBOUNDED = 1000;

/** A string of exactly `length` characters, ASCII or accented. */
const text = (length: number, accented: boolean): string => (accented ? ACCENTED : 'devdb-').repeat(Math.ceil(length / 6) + 1).slice(0, length);

const INTEGER_MAX: [RegExp, number][] = [
  [/TINYINT/, 127],
  [/SMALLINT|INT2\b/, 32767],
  [/BIGINT|INT8\b/, Number.MAX_SAFE_INTEGER],
  [/MEDIUMINT/, 8388607],
  [/INT/, 2147483647],
];

/** The value of one shape for a column, or undefined to leave it to the plain seeder's rules. */
export function shapeValue(column: Column, shape: Shape): Value | undefined {
  const type = column.type.toUpperCase();
  if (shape === 'nulls' && column.nullable) return null;
  if (/BOOL|TINYINT\(1\)|^BIT|ENUM|SET\(|UUID|INTERVAL|\[\]|JSON|YEAR/.test(type)) return undefined;
  // TIMESTAMP is epoch-bounded on MariaDB; DATETIME and DATE take the whole calendar.
  if (/TIMESTAMP/.test(type)) return shape === 'longest' ? '1970-01-02 00:00:00' : '2038-01-18 23:59:59';
  if (/DATETIME/.test(type)) return shape === 'longest' ? '1000-01-01 00:00:00' : '9999-12-31 23:59:59';
  if (type.includes('DATE')) return shape === 'longest' ? '1000-01-01' : '9999-12-31';
  if (type.includes('TIME')) return shape === 'longest' ? '00:00:00' : '23:59:59';
  if (/BYTEA|BLOB|BINARY/.test(type)) {
    const bytes = Number(/\(\s*(\d+)/.exec(type)?.[1] ?? 64);
    return shape === 'longest' ? Buffer.alloc(bytes, 0xff) : Buffer.from([0]);
  }
  const numeric = /(?:DEC|NUMERIC)\w*\s*\(\s*(\d+)\s*(?:,\s*(\d+))?/.exec(type);
  if (numeric) return shape === 'longest' ? 0 : shape === 'nulls' ? -1 : Number('9'.repeat(Math.max(1, Number(numeric[1]) - Number(numeric[2] ?? 0))));
  if (/REAL|FLOA|DOUB|DEC|NUMERIC/.test(type)) return shape === 'longest' ? 0 : shape === 'nulls' ? -1.5 : 1e10;
  if (type.includes('INT')) return shape === 'longest' ? 0 : shape === 'nulls' ? (type.includes('UNSIGNED') ? 0 : -1) : INTEGER_MAX.find(([pattern]) => pattern.test(type))![1];
  const length = Number(/CHAR[\w ]*\(\s*(\d+)/.exec(type)?.[1] ?? UNBOUNDED);
  if (/CHAR|TEXT|CLOB|STRING/.test(type) || type === '') return shape === 'longest' ? text(length, false) : shape === 'nulls' ? text(Math.min(length, 5), true) : text(length, true);
  return undefined;
}

/** The database numbers a lone integer primary key itself (SQLite's rowid, a sequence, AUTO_INCREMENT). */
const numberedKey = (table: Table, column: Column): boolean =>
  column.primaryKey && table.columns.filter((c) => c.primaryKey).length === 1 && /INT/i.test(column.type);

/** Inserts one boundary row, or says why the database would not take it. */
async function seedShape(db: SeedDatabase, dialect: SeedValues, table: Table, shape: Shape): Promise<string | undefined> {
  const row: Row = new Map();
  for (const column of table.columns) {
    if (column.attributes?.generated || column.attributes?.autoincrement || numberedKey(table, column)) continue;
    const value = shapeValue(column, shape);
    row.set(column.name, value !== undefined && dialect.accepts(column, value) ? value : dialect.valueFor(column));
  }
  const fixed = new Set<string>();
  const missing = await foreignKeyValues(db, table, row, fixed);
  if (missing) return missing;
  if (shape === 'nulls') for (const fk of table.foreignKeys) if (fk.columns.every((name) => table.columns.find((c) => c.name === name)?.nullable)) fk.columns.forEach((name) => row.set(name, null));
  const unsatisfied = await satisfyChecks(db, dialect, table, row, fixed);
  if (unsatisfied) return `cannot satisfy CHECK (${unsatisfied.expression})`;
  try {
    await db.insert(table, row);
    return undefined;
  } catch (error) {
    return reason(error);
  }
}

/** Adds the boundary rows to each table in `names` (parents first), after the plain seeder has given every table a row. */
export async function seedShapes(db: SeedDatabase, values: SeedValues, schema: Schema, names: string[]): Promise<SeedResult[]> {
  const tables = new Map(schema.tables.map((table) => [table.name.toLowerCase(), table]));
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const results: SeedResult[] = [];
  for (const table of seedOrder(tables, names).filter((t) => wanted.has(t.name.toLowerCase()))) {
    const refused: string[] = [];
    for (const shape of SHAPES) {
      const why = await seedShape(db, values, table, shape);
      if (why) refused.push(`${shape}: ${why}`);
    }
    results.push({ table: table.name, inserted: SHAPES.length - refused.length, ...(refused.length > 0 ? { skipped: refused.join('; ') } : {}) });
  }
  return results;
}
