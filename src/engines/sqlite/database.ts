import { existsSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { DevdbError, EXIT, failure, usageError } from '../../errors.js';
import type { Column } from '../../schema/model.js';
import type { SeedResult } from '../engine.js';
import { seedShapes } from '../seed-shapes.js';
import { seedSchema, temporalOrJson, type SeedDatabase, type SeedValues, type Value } from '../seed-values.js';
import { expressionParts, quoteStandard, seedStatements } from '../sql.js';
import type { DatabaseTarget } from '../url.js';
import { inspectDatabase, openDatabase, query, userTables, withDatabase } from './inspect.js';

export { sqliteInspector } from './inspect.js';

type Db = Database.Database;

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

/** SQLite's spelling: bind parameters carry their own type. */
const SQL = seedStatements({ quote: quoteStandard, param: () => '?', defaultRow: 'DEFAULT VALUES' });

const count = (db: Db, table: string): number => query(`counting "${table}" rows`, () => (db.prepare(SQL.count(table)).get() as { n: number }).n);

/** The number of rows in every user table (not sqlite_% nor alembic_version). */
export function countRows(file: string): Record<string, number> {
  return withDatabase(file, { readonly: true }, (db) => Object.fromEntries(userTables(db).map((table) => [table, count(db, table)])));
}

/** A value a column of this declared type accepts, as SQLAlchemy's SQLite types would store it. */
function sqliteValue(column: Column): Value {
  const type = column.type.toUpperCase();
  if (type.includes('BOOL')) return 0;
  const temporal = temporalOrJson(type);
  if (temporal !== undefined) return temporal;
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

// SQLite stores booleans as 0 and 1, and keeps any value in any column (declared lengths are not enforced).
const VALUES: SeedValues = { parts: expressionParts, valueFor: sqliteValue, booleans: () => [], accepts: () => true };

/** The seeder's questions, answered by SQLite itself over an open database. */
function seedDatabase(db: Db): SeedDatabase {
  return {
    count: async (table) => count(db, table),
    firstKey: async (table, columns) => query(`reading "${table}" keys`, () => db.prepare(SQL.firstKey(table, columns)).raw().get()) as Value[] | undefined,
    holds: async (table, check, row) => {
      try {
        return (db.prepare(SQL.holds(table, check, [...row.keys()])).get(...row.values()) as { ok: number }).ok === 1;
      } catch {
        return undefined;
      }
    },
    insert: async (table, row) => {
      db.prepare(SQL.insert(table, [...row.keys()])).run(...row.values());
    },
  };
}

/**
 * Gives every table in `names` (default: all user tables) at least one row, with
 * foreign keys enforced; the tables they reference are seeded first, and reported too.
 * With `shapes`, adds the boundary rows of seed-shapes.ts to each instead.
 */
export async function seedRows(file: string, names?: string[], { shapes = false } = {}): Promise<SeedResult[]> {
  const db = openDatabase(file, { readonly: false });
  try {
    query('enabling foreign keys', () => db.pragma('foreign_keys = ON'));
    const schema = inspectDatabase(db);
    const tables = names ?? schema.tables.map((table) => table.name);
    if (shapes) return await seedShapes(seedDatabase(db), VALUES, schema, tables);
    return await seedSchema(seedDatabase(db), VALUES, schema, tables, file);
  } finally {
    db.close();
  }
}

/** The revisions a database is stamped with (its alembic_version rows); empty when it has none. */
export function currentRevisions(target: DatabaseTarget): string[] {
  if (!target.file || !existsSync(target.file)) return [];
  const db = openDatabase(target.file, { readonly: true });
  try {
    const exists = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'alembic_version'").get();
    if (!exists) return [];
    return (db.prepare('select version_num from alembic_version').all() as { version_num: string }[]).map((r) => r.version_num);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw usageError(`The database ${target.file} is locked by another program (it holds a write transaction); close that program or let it finish, then run again.`);
    }
    throw failure(`sqlite: reading alembic_version of ${target.file}: ${(error as Error).message}; check that it is a SQLite database.`);
  } finally {
    db.close();
  }
}
