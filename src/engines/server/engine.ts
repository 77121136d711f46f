import type { Engine, Inspector } from '../engine.js';
import { seedShapes } from '../seed-shapes.js';
import { seedSchema, type SeedDatabase, type SeedValues, type Value } from '../seed-values.js';
import { seedStatements, type Spelling } from '../sql.js';
import type { DatabaseTarget } from '../url.js';
import { collect, type TableValues } from '../values.js';
import type { ServerEngine } from '../../schema/model.js';
import { databaseOf, type Query, type Server } from './connection.js';

/**
 * The half of an engine PostgreSQL and MariaDB share: reading, counting, seeding and
 * the Alembic revisions are the same SQL but for what a dialect spells its own way.
 * Each engine adds how it reaches a database and how it creates, marks, copies and drops one.
 */

/** What the server engines spell differently, for the half they share. */
export interface ServerDialect extends Spelling {
  readonly name: ServerEngine;
  /** A query returning a row when the database has an alembic_version table. */
  readonly alembicVersion: string;
  /** Whether a CHECK probe failed because a value is not one the column's type takes, so the row could not go in. */
  readonly badValue: (error: unknown) => boolean;
  /** The seeder's values for this engine's types. */
  readonly values: SeedValues;
  inspector(query: Query): Inspector;
  /** The user tables by name, sorted: not the server's own, not Alembic's alembic_version. */
  tables(query: Query): Promise<string[]>;
  /** A value's text, in SQL, for keys and value lengths. */
  readonly text: (expression: string) => string;
  /** What the database holds, as parts to hash. */
  fingerprint(query: Query): Promise<string[]>;
}

/** How an engine reaches its databases. */
export interface Reach {
  /** Queries run in the target's own database. */
  inDatabase(target: DatabaseTarget): Query;
  exists(target: DatabaseTarget): Promise<boolean>;
}

/** The seeder's questions, answered in the dialect's SQL over one database. */
function seedDatabase(dialect: ServerDialect, query: Query): SeedDatabase {
  const sql = seedStatements(dialect);
  return {
    count: async (table) => Number((await query<{ n: number | string }>(`counting "${table}" rows`, sql.count(table)))[0]?.n ?? 0),
    firstKey: async (table, columns) => {
      const rows = await query<Record<string, Value>>(`reading "${table}" keys`, sql.firstKey(table, columns));
      return rows[0] ? columns.map((_, i) => rows[0]?.[`k${i}`] as Value) : undefined;
    },
    holds: async (table, check, row) => {
      try {
        return Number((await query<{ ok: number }>(`checking "${table.name}"`, sql.holds(table, check, [...row.keys()]), [...row.values()]))[0]?.ok) === 1;
      } catch (error) {
        return dialect.badValue(error) ? false : undefined;
      }
    },
    insert: async (table, row) => {
      await query(`inserting into "${table.name}"`, sql.insert(table, [...row.keys()]), [...row.values()]);
    },
  };
}

/** The operations both server engines do alike. */
export function sharedHalf(dialect: ServerDialect, reach: Reach): Pick<Engine, 'name' | 'warm' | 'inspect' | 'fingerprint' | 'countRows' | 'values' | 'seedRows' | 'seedShapes' | 'revisions'> {
  const { inDatabase, exists } = reach;
  return {
    name: dialect.name,
    // The driver came with the engine's module.
    warm: async () => {},
    inspect: async (target) => dialect.inspector(inDatabase(target)).inspect(),
    fingerprint: (target) => dialect.fingerprint(inDatabase(target)),

    async countRows(target) {
      const query = inDatabase(target);
      const db = seedDatabase(dialect, query);
      const counts: Record<string, number> = {};
      for (const name of await dialect.tables(query)) counts[name] = await db.count(name);
      return counts;
    },

    async values(target, tables) {
      const query = inDatabase(target);
      const { quote, text } = dialect;
      const result: TableValues[] = [];
      // The server measures the values, so only their lengths cross the wire.
      for (const table of (await dialect.inspector(query).inspect()).tables.filter((t) => tables.includes(t.name))) {
        const key = table.columns.filter((c) => c.primaryKey).map((c) => c.name);
        if (key.length === 0) continue;
        const columns = table.columns.map((c) => c.name);
        const select = [...key.map((k, i) => `${text(quote(k))} AS k${i}`), ...columns.map((c, i) => `char_length(${text(quote(c))}) AS l${i}`)].join(', ');
        const rows = await query<Record<string, unknown>>(`reading "${table.name}" values`, `SELECT ${select} FROM ${quote(table.name)}`);
        const width = key.length + columns.length;
        const ordered = rows.map((row) => Array.from({ length: width }, (_, i) => row[i < key.length ? `k${i}` : `l${i - key.length}`]));
        result.push(collect(table.name, key, columns, ordered, rows.length));
      }
      return result;
    },

    async seedRows(target, tables) {
      const query = inDatabase(target);
      return seedSchema(seedDatabase(dialect, query), dialect.values, await dialect.inspector(query).inspect(), tables, databaseOf(target));
    },

    async seedShapes(target, tables) {
      const query = inDatabase(target);
      return seedShapes(seedDatabase(dialect, query), dialect.values, await dialect.inspector(query).inspect(), tables);
    },

    async revisions(target) {
      if (!(await exists(target))) return [];
      const query = inDatabase(target);
      if ((await query('looking up alembic_version', dialect.alembicVersion)).length === 0) return [];
      return (await query<{ version_num: string }>('reading alembic_version', 'SELECT version_num FROM alembic_version ORDER BY version_num')).map((row) => row.version_num);
    },
  };
}

/** Small connection pools, one per server, user and database (undefined: none), opened on first use and ended together. */
export function poolSet<P extends { end(): Promise<void> }>(open: (server: Server, database: string | undefined) => P) {
  const pools = new Map<string, P>();
  const keyOf = (server: Server, database: string | undefined): string => JSON.stringify([server.address, server.user, server.password, database ?? null]);
  return {
    get(server: Server, database: string | undefined): P {
      const key = keyOf(server, database);
      let pool = pools.get(key);
      if (!pool) {
        pool = open(server, database);
        pools.set(key, pool);
      }
      return pool;
    },
    /** Ends the pool on `database`, whose connections would otherwise keep it from being copied or dropped. */
    async release(server: Server, database: string): Promise<void> {
      const key = keyOf(server, database);
      const pool = pools.get(key);
      pools.delete(key);
      await pool?.end();
    },
    async close(): Promise<void> {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.end()));
    },
  };
}
