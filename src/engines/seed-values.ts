import { usageError } from '../errors.js';
import type { CheckConstraint, Column, ForeignKey, Schema, Table } from '../schema/model.js';
import type { SeedResult } from './engine.js';

/**
 * Seeding for every engine: one row into each empty table, foreign keys pointing at
 * existing parent rows, NOT NULL columns given a value of their type, and CHECK
 * constraints satisfied by trying the literals they mention, evaluated by the database.
 */

export type Value = number | string | boolean | Buffer | null;
export type Row = Map<string, Value>;

/** What the seeder asks of a database; each engine answers in its own SQL. */
export interface SeedDatabase {
  count(table: string): Promise<number>;
  /** The first key of `table` in `columns` with no NULL part, if any row has one. */
  firstKey(table: string, columns: string[]): Promise<Value[] | undefined>;
  /** Whether `check` holds over `row`'s values; undefined when the database cannot say. */
  holds(table: Table, check: CheckConstraint, row: Row): Promise<boolean | undefined>;
  insert(table: Table, row: Row): Promise<void>;
}

export type ExpressionParts = { identifiers: string[]; strings: string[]; numbers: number[] };

export const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const lower = (name: string): string => name.toLowerCase();

/** Dates, times and JSON, which SQLAlchemy's types write as these strings on every engine; undefined for other types. */
export function temporalOrJson(type: string): Value | undefined {
  if (/DATETIME|TIMESTAMP/.test(type)) return '2020-01-01 00:00:00';
  if (type.includes('DATE')) return '2020-01-01';
  if (type.includes('TIME')) return '00:00:00';
  if (type.includes('JSON')) return '{}';
  return undefined;
}

/** How an engine's values differ, for each engine to give; the algorithm below is the same for every engine. */
export interface SeedValues {
  /** The identifiers, string literals and numbers of a CHECK expression, as the engine quotes it. */
  parts(expression: string): ExpressionParts;
  valueFor(column: Column): Value;
  /** Booleans worth trying for a CHECK, where the engine's booleans are not the numbers tried anyway. */
  booleans(column: Column): Value[];
  accepts(column: Column, value: Value): boolean;
}

/** Values worth trying for `column` to satisfy `check`: the literals it mentions and their neighbours first. */
function candidates(dialect: SeedValues, column: Column, check: CheckConstraint): Value[] {
  const { strings, numbers } = dialect.parts(check.expression);
  const lengths = numbers.filter((n) => Number.isInteger(n) && n > 0 && n <= 255).map((n) => 'x'.repeat(n));
  const all = [...strings, ...numbers.flatMap((n) => [n, n + 1, n - 1]), ...lengths, ...dialect.booleans(column), 0, 1, -1, dialect.valueFor(column), ...(column.nullable ? [null] : [])];
  return all.filter((value) => dialect.accepts(column, value));
}

/** Changes unfixed values in `row` until every CHECK holds; the first that cannot be satisfied is returned. */
export async function satisfyChecks(db: SeedDatabase, dialect: SeedValues, table: Table, row: Row, fixed: Set<string>): Promise<CheckConstraint | undefined> {
  const done: CheckConstraint[] = [];
  const allHold = async (): Promise<boolean> => {
    for (const check of done) if ((await db.holds(table, check, row)) === false) return false;
    return true;
  };
  for (const check of table.checks) {
    done.push(check);
    if (await allHold()) continue;
    const mentioned = new Set(dialect.parts(check.expression).identifiers.map(lower));
    const free = table.columns.filter((column) => mentioned.has(lower(column.name)) && !fixed.has(column.name));
    let solved = false;
    for (const column of free) {
      const before = row.get(column.name) as Value;
      for (const value of candidates(dialect, column, check)) {
        row.set(column.name, value);
        if (await allHold()) {
          solved = true;
          break;
        }
      }
      if (solved) break;
      row.set(column.name, before);
    }
    if (!solved) return check;
  }
  return undefined;
}

/** Values for the foreign-key columns: an existing parent row's key, or NULL where allowed; a reason when neither. */
export async function foreignKeyValues(db: SeedDatabase, table: Table, row: Row, fixed: Set<string>): Promise<string | undefined> {
  const nullable = (name: string): boolean => table.columns.find((column) => column.name === name)?.nullable ?? true;
  const parentKey = async (fk: ForeignKey, optional: boolean): Promise<(Value | undefined)[] | undefined> => {
    // A row is its own parent only when it must have one: code walking up a tree would never stop.
    if (lower(fk.refTable) === lower(table.name)) return optional ? undefined : fk.refColumns.map((name) => row.get(name));
    return db.firstKey(fk.refTable, fk.refColumns);
  };
  for (const fk of table.foreignKeys) {
    const optional = fk.columns.every(nullable);
    const key = await parentKey(fk, optional);
    if (key?.every((value) => value !== undefined && value !== null)) {
      fk.columns.forEach((name, i) => row.set(name, key[i] as Value));
    } else if (optional) {
      fk.columns.forEach((name) => row.set(name, null));
    } else {
      return `no row in "${fk.refTable}" to reference`;
    }
    fk.columns.forEach((name) => fixed.add(name));
  }
  return undefined;
}

/** Inserts one row into an empty table, or says why it cannot. */
async function seedTable(db: SeedDatabase, dialect: SeedValues, table: Table): Promise<SeedResult> {
  if ((await db.count(table.name)) > 0) return { table: table.name, inserted: 0 };
  const checked = new Set(table.checks.flatMap((check) => dialect.parts(check.expression).identifiers.map(lower)));
  const row: Row = new Map();
  // The table is empty, so any value is new to its UNIQUE constraints and indexes.
  for (const column of table.columns) {
    if (column.attributes?.generated || column.attributes?.autoincrement) continue;
    if (column.default === null || checked.has(lower(column.name))) row.set(column.name, dialect.valueFor(column));
  }
  const fixed = new Set<string>();
  const missing = await foreignKeyValues(db, table, row, fixed);
  if (missing) return { table: table.name, inserted: 0, skipped: missing };
  const unsatisfied = await satisfyChecks(db, dialect, table, row, fixed);
  if (unsatisfied) return { table: table.name, inserted: 0, skipped: `cannot satisfy CHECK (${unsatisfied.expression})` };
  try {
    await db.insert(table, row);
    return { table: table.name, inserted: 1 };
  } catch (error) {
    return { table: table.name, inserted: 0, skipped: reason(error) };
  }
}

/** `names` and the tables they reference, parents before children (a cycle is cut where it closes). */
export function seedOrder(tables: Map<string, Table>, names: string[]): Table[] {
  const order: Table[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const table = tables.get(lower(name));
    if (!table || seen.has(lower(name))) return;
    seen.add(lower(name));
    for (const fk of table.foreignKeys) visit(fk.refTable);
    order.push(table);
  };
  names.forEach(visit);
  return order;
}

/**
 * Gives every table in `names` at least one row; the tables they reference are seeded
 * first, and reported too. `database` names the database for the error about an unknown table.
 */
export async function seedSchema(db: SeedDatabase, values: SeedValues, schema: Schema, names: string[], database: string): Promise<SeedResult[]> {
  const tables = new Map(schema.tables.map((table) => [lower(table.name), table]));
  const unknown = names.find((name) => !tables.has(lower(name)));
  if (unknown !== undefined) throw usageError(`${schema.engine}: seeding "${unknown}": no such table in database "${database}".`);
  const results: SeedResult[] = [];
  for (const table of seedOrder(tables, names)) {
    try {
      results.push(await seedTable(db, values, table));
    } catch (error) {
      results.push({ table: table.name, inserted: 0, skipped: reason(error) });
    }
  }
  return results;
}
