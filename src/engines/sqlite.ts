import { open, rm } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { DevdbError, EXIT, usageError } from '../errors.js';
import type { CheckConstraint, Column, ForeignKey, Table } from '../schema/model.js';
import type { SeedResult } from './engine.js';
import { expressionParts } from './sqlite-ddl.js';
import { inspectDatabase, openDatabase, query, quoteIdent, userTables, withDatabase } from './sqlite-inspect.js';

export { sqliteInspector } from './sqlite-inspect.js';

type Db = Database.Database;
type Value = number | string | Buffer | null;

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Copies a database with SQLite's online backup API, so a live one copies consistently; `dest` must not exist. */
export async function copyDatabase(source: string, dest: string): Promise<void> {
  const db = openDatabase(source, { readonly: true });
  try {
    // Creating `dest` exclusively both refuses an existing file and keeps anyone else from taking the name meanwhile.
    try {
      await (await open(dest, 'wx')).close();
    } catch (error) {
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
      throw usageError(`sqlite: copying "${source}" to "${dest}": ${exists ? 'the destination exists; remove it or choose another path' : reason(error)}.`);
    }
    try {
      await db.backup(dest);
    } catch (error) {
      await rm(dest, { force: true });
      throw new DevdbError(`sqlite: copying "${source}" to "${dest}": ${reason(error)}`, { exitCode: EXIT.failed, cause: error });
    }
  } finally {
    db.close();
  }
}

const count = (db: Db, table: string): number =>
  query(`counting "${table}" rows`, () => (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n);

/** The number of rows in every user table (not sqlite_% nor alembic_version). */
export function countRows(file: string): Record<string, number> {
  return withDatabase(file, { readonly: true }, (db) => Object.fromEntries(userTables(db).map((table) => [table, count(db, table)])));
}

/** A value a column of this declared type accepts, as SQLAlchemy's SQLite types would store it. */
function valueFor(column: Column): Value {
  const type = column.type.toUpperCase();
  if (type.includes('BOOL')) return 0;
  if (/DATETIME|TIMESTAMP/.test(type)) return '2020-01-01 00:00:00';
  if (type.includes('DATE')) return '2020-01-01';
  if (type.includes('TIME')) return '00:00:00';
  if (type.includes('JSON')) return '{}';
  // From here on SQLite's own affinity rules, in their order.
  if (type.includes('INT')) return 1;
  if (/CHAR|CLOB|TEXT/.test(type)) {
    const length = /\(\s*(\d+)/.exec(type);
    return length ? 'devdb-1'.slice(0, Number(length[1])) : 'devdb-1';
  }
  if (type === '' || type.includes('BLOB')) return Buffer.from([0]);
  if (/REAL|FLOA|DOUB/.test(type)) return 1.5;
  return 1;
}

/** Values worth trying for `column` to satisfy `check`: the literals it mentions and their neighbours first. */
function candidates(column: Column, check: CheckConstraint): Value[] {
  const { strings, numbers } = expressionParts(check.expression);
  const lengths = numbers.filter((n) => Number.isInteger(n) && n > 0 && n <= 255).map((n) => 'x'.repeat(n));
  return [...strings, ...numbers.flatMap((n) => [n, n + 1, n - 1]), ...lengths, 0, 1, -1, valueFor(column), ...(column.nullable ? [null] : [])];
}

const lower = (name: string): string => name.toLowerCase();

/** Whether `check` holds for `row`, evaluated by SQLite itself over the row's values; undefined when it cannot say. */
function holds(db: Db, table: Table, check: CheckConstraint, row: Map<string, Value>): boolean | undefined {
  const names = [...row.keys()];
  const select = names.length > 0 ? names.map((name) => `? AS ${quoteIdent(name)}`).join(', ') : 'NULL';
  // A CHECK fails only when its value is false; NULL passes.
  const sql = `SELECT CASE WHEN (${check.expression}) IS NULL THEN 1 WHEN (${check.expression}) THEN 1 ELSE 0 END AS ok FROM (SELECT ${select}) AS ${quoteIdent(table.name)}`;
  try {
    return (db.prepare(sql).get(...row.values()) as { ok: number }).ok === 1;
  } catch {
    return undefined;
  }
}

/** Changes unfixed values in `row` until every CHECK holds; the first that cannot be satisfied is returned. */
function satisfyChecks(db: Db, table: Table, row: Map<string, Value>, fixed: Set<string>): CheckConstraint | undefined {
  const done: CheckConstraint[] = [];
  const allHold = (): boolean => done.every((check) => holds(db, table, check, row) !== false);
  for (const check of table.checks) {
    done.push(check);
    if (allHold()) continue;
    const mentioned = new Set(expressionParts(check.expression).identifiers.map(lower));
    const free = table.columns.filter((column) => mentioned.has(lower(column.name)) && !fixed.has(column.name));
    const solved = free.some((column) => {
      const before = row.get(column.name) as Value;
      for (const value of candidates(column, check)) {
        row.set(column.name, value);
        if (allHold()) return true;
      }
      row.set(column.name, before);
      return false;
    });
    if (!solved) return check;
  }
  return undefined;
}

/** A key `fk` can point at: an existing parent row's, or, for a required self reference, the new row's own. */
function parentKey(db: Db, table: Table, fk: ForeignKey, row: Map<string, Value>, optional: boolean): (Value | undefined)[] | undefined {
  if (lower(fk.refTable) === lower(table.name)) {
    // A row is its own parent only when it must have one: code walking up a tree would never stop.
    return optional ? undefined : fk.refColumns.map((name) => row.get(name));
  }
  const columns = fk.refColumns.map(quoteIdent);
  return query(`reading "${fk.refTable}" keys`, () =>
    db
      .prepare(`SELECT ${columns.join(', ')} FROM ${quoteIdent(fk.refTable)} WHERE ${columns.map((c) => `${c} IS NOT NULL`).join(' AND ')} LIMIT 1`)
      .raw()
      .get(),
  ) as Value[] | undefined;
}

/** Values for the foreign-key columns: an existing parent row's key, or NULL where allowed; a reason when neither. */
function foreignKeyValues(db: Db, table: Table, row: Map<string, Value>, fixed: Set<string>): string | undefined {
  const nullable = (name: string): boolean => table.columns.find((column) => column.name === name)?.nullable ?? true;
  for (const fk of table.foreignKeys) {
    const optional = fk.columns.every(nullable);
    const key = parentKey(db, table, fk, row, optional);
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
function seedTable(db: Db, table: Table): SeedResult {
  if (count(db, table.name) > 0) return { table: table.name, inserted: 0 };
  const checked = new Set(table.checks.flatMap((check) => expressionParts(check.expression).identifiers.map(lower)));
  const row = new Map<string, Value>();
  // The table is empty, so any value is new to its UNIQUE constraints and indexes.
  for (const column of table.columns) {
    if (column.attributes?.generated) continue;
    if (column.default === null || checked.has(lower(column.name))) row.set(column.name, valueFor(column));
  }
  const fixed = new Set<string>();
  const missing = foreignKeyValues(db, table, row, fixed);
  if (missing) return { table: table.name, inserted: 0, skipped: missing };
  const unsatisfied = satisfyChecks(db, table, row, fixed);
  if (unsatisfied) return { table: table.name, inserted: 0, skipped: `cannot satisfy CHECK (${unsatisfied.expression})` };
  const names = [...row.keys()];
  const sql =
    names.length > 0
      ? `INSERT INTO ${quoteIdent(table.name)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`
      : `INSERT INTO ${quoteIdent(table.name)} DEFAULT VALUES`;
  try {
    db.prepare(sql).run(...row.values());
    return { table: table.name, inserted: 1 };
  } catch (error) {
    return { table: table.name, inserted: 0, skipped: reason(error) };
  }
}

/** `names` and the tables they reference, parents before children (a cycle is cut where it closes). */
function seedOrder(tables: Map<string, Table>, names: string[]): Table[] {
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
 * Gives every table in `names` (default: all user tables) at least one row, with
 * foreign keys enforced; the tables they reference are seeded first, and reported too.
 */
export function seedRows(file: string, names?: string[]): SeedResult[] {
  return withDatabase(file, { readonly: false }, (db) => {
    query('enabling foreign keys', () => db.pragma('foreign_keys = ON'));
    const tables = new Map(inspectDatabase(db).tables.map((table) => [lower(table.name), table]));
    const unknown = names?.find((name) => !tables.has(lower(name)));
    if (unknown !== undefined) throw usageError(`sqlite: seeding "${unknown}": no such table in ${file}.`);
    return seedOrder(tables, names ?? [...tables.keys()]).map((table) => {
      try {
        return seedTable(db, table);
      } catch (error) {
        return { table: table.name, inserted: 0, skipped: reason(error) };
      }
    });
  });
}
