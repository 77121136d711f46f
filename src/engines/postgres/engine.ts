import pg from 'pg';
import { usageError } from '../../errors.js';
import type { Table } from '../../schema/model.js';
import type { Engine } from '../engine.js';
import { fingerprintPostgres, inspectPostgres, tableRows } from './inspect.js';
import { seedSchema, type SeedDatabase, type Value } from '../seed-values.js';
import { attempt, databaseOf, errorCode, serverOf, sharedServer, type Query, type Server } from '../server/connection.js';
import type { DatabaseTarget } from '../url.js';
import { quoteStandard } from '../sql.js';

/** A PostgreSQL string literal (standard_conforming_strings is on since 9.1). */
const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * The PostgreSQL engine. Creating, copying and dropping databases happen from the
 * server's maintenance database (`postgres`, else `template1`), as createdb does;
 * everything else connects to the database itself. One small pool per server, user and
 * database; `close()` ends them all.
 */
export function postgresEngine(): Engine {
  const pools = new Map<string, pg.Pool>();
  const maintenance = new Map<string, Promise<string>>();
  const serverKey = (server: Server): string => JSON.stringify([server.address, server.user, server.password]);

  const poolFor = (server: Server, database: string): pg.Pool => {
    const key = JSON.stringify([serverKey(server), database]);
    let pool = pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        ...(server.socket ? { host: server.socket } : { host: server.host, port: server.port }),
        user: server.user,
        password: server.password,
        database,
        max: 2,
        idleTimeoutMillis: 10_000,
        connectionTimeoutMillis: 10_000,
        allowExitOnIdle: true,
      });
      // An idle connection the server ended (a restart, DROP … WITH (FORCE)) is just discarded; the next query opens another.
      pool.on('error', () => undefined);
      pools.set(key, pool);
    }
    return pool;
  };

  /** Ends devdb's own connections to `database`, which would otherwise keep it from being copied or dropped. */
  const release = async (server: Server, database: string): Promise<void> => {
    const key = JSON.stringify([serverKey(server), database]);
    const pool = pools.get(key);
    pools.delete(key);
    await pool?.end();
  };

  const queryIn =
    (server: Server, database: string, creating = false): Query =>
    async <T>(what: string, sql: string, params: unknown[] = []): Promise<T[]> =>
      attempt(server, database, what, async () => (await poolFor(server, database).query(sql, params)).rows as T[], creating);

  /** The maintenance database: `postgres`, or `template1` on a server without one. */
  const maintenanceOf = (server: Server): Promise<string> => {
    const key = serverKey(server);
    let name = maintenance.get(key);
    if (!name) {
      name = poolFor(server, 'postgres')
        .query('SELECT 1')
        .then(
          () => 'postgres',
          (error: unknown) => {
            if (errorCode(error) === '3D000') return 'template1';
            throw error;
          },
        );
      maintenance.set(key, name);
      name.catch(() => maintenance.delete(key));
    }
    return name;
  };

  /** Runs `run` with a query on the target's server, from the maintenance database. */
  const onServer = async <T>(target: DatabaseTarget, run: (query: Query, server: Server, database: string) => Promise<T>, creating = false): Promise<T> => {
    const server = serverOf(target);
    const database = databaseOf(target);
    const admin = await attempt(server, undefined, 'connecting', () => maintenanceOf(server));
    return run(queryIn(server, admin, creating), server, database);
  };

  const exists = (target: DatabaseTarget): Promise<boolean> =>
    onServer(target, async (query, _server, database) => (await query('looking up the database', 'SELECT 1 FROM pg_database WHERE datname = $1', [database])).length > 0);

  const refuseExisting = async (target: DatabaseTarget, server: Server, database: string): Promise<void> => {
    if (await exists(target)) {
      throw usageError(`The PostgreSQL database "${database}" already exists at ${server.address}; drop it or choose another name.`);
    }
  };

  /** Leaves the marker on a database devdb just made, dropping it again when that fails so nothing unmarked is left. */
  const mark = async (query: Query, database: string, marker: string): Promise<void> => {
    try {
      await query(`commenting on "${database}"`, `COMMENT ON DATABASE ${quoteStandard(database)} IS ${quoteLiteral(marker)}`);
    } catch (error) {
      await query(`dropping "${database}"`, `DROP DATABASE IF EXISTS ${quoteStandard(database)}`);
      throw error;
    }
  };

  const inDatabase = (target: DatabaseTarget): Query => queryIn(serverOf(target), databaseOf(target));

  const seedDatabase = (query: Query): SeedDatabase => ({
    count: async (table) => (await query<{ n: number }>(`counting "${table}" rows`, `SELECT count(*)::int AS n FROM ${quoteStandard(table)}`))[0]?.n ?? 0,
    firstKey: async (table, columns) => {
      const select = columns.map((column, i) => `${quoteStandard(column)} AS k${i}`).join(', ');
      const where = columns.map((column) => `${quoteStandard(column)} IS NOT NULL`).join(' AND ');
      const rows = await query<Record<string, Value>>(`reading "${table}" keys`, `SELECT ${select} FROM ${quoteStandard(table)} WHERE ${where} LIMIT 1`);
      return rows[0] ? columns.map((_, i) => rows[0]?.[`k${i}`] as Value) : undefined;
    },
    holds: async (table, check, row) => {
      const type = (name: string): string => table.columns.find((column) => column.name === name)?.type ?? 'text';
      const names = [...row.keys()];
      const select = names.length > 0 ? names.map((name, i) => `$${i + 1}::${type(name)} AS ${quoteStandard(name)}`).join(', ') : 'NULL';
      // A CHECK fails only when its value is false; NULL passes.
      const sql = `SELECT CASE WHEN (${check.expression}) IS NULL THEN 1 WHEN (${check.expression}) THEN 1 ELSE 0 END AS ok FROM (SELECT ${select}) AS ${quoteStandard(table.name)}`;
      try {
        return (await query<{ ok: number }>(`checking "${table.name}"`, sql, [...row.values()]))[0]?.ok === 1;
      } catch (error) {
        // Class 22, data exception: a value the column's type does not take, so not a row that could go in.
        return errorCode((error as Error).cause)?.startsWith('22') ? false : undefined;
      }
    },
    insert: async (table: Table, row) => {
      const names = [...row.keys()];
      const sql =
        names.length > 0
          ? `INSERT INTO ${quoteStandard(table.name)} (${names.map(quoteStandard).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`
          : `INSERT INTO ${quoteStandard(table.name)} DEFAULT VALUES`;
      await query(`inserting into "${table.name}"`, sql, [...row.values()]);
    },
  });

  return {
    name: 'postgres',
    exists,

    async create(target, marker) {
      await onServer(
        target,
        async (query, server, database) => {
          await refuseExisting(target, server, database);
          await query(`creating "${database}"`, `CREATE DATABASE ${quoteStandard(database)}`);
          await mark(query, database, marker);
        },
        true,
      );
    },

    async marker(target) {
      return onServer(target, async (query, _server, database) => {
        const rows = await query<{ marker: string | null }>(
          'reading the database comment',
          "SELECT shobj_description(oid, 'pg_database') AS marker FROM pg_database WHERE datname = $1",
          [database],
        );
        return rows[0]?.marker ?? undefined;
      });
    },

    async drop(target) {
      await onServer(target, async (query, server, database) => {
        await release(server, database);
        await query(`dropping "${database}"`, `DROP DATABASE IF EXISTS ${quoteStandard(database)} WITH (FORCE)`);
      });
    },

    async copy(source, dest, marker) {
      const from = databaseOf(source);
      sharedServer(source, dest);
      await onServer(
        dest,
        async (query, server, database) => {
          await refuseExisting(dest, server, database);
          if (!(await exists(source))) throw usageError(`The PostgreSQL database "${from}" does not exist at ${server.address}; create it, or fix the database name in the URL.`);
          await release(server, from);
          try {
            await query(`copying "${from}" to "${database}"`, `CREATE DATABASE ${quoteStandard(database)} TEMPLATE ${quoteStandard(from)}`);
          } catch (error) {
            // object_in_use: PostgreSQL copies a database only while nobody else is connected to it.
            if (errorCode((error as Error).cause) === '55006') {
              throw usageError(`The PostgreSQL database "${from}" is in use by another session; stop what is connected to it (Kallithea, a psql shell) and run again.`);
            }
            throw error;
          }
          await mark(query, database, marker);
        },
        true,
      );
    },

    inspect: (target) => inspectPostgres(inDatabase(target)),
    fingerprint: (target) => fingerprintPostgres(inDatabase(target)),

    async countRows(target) {
      const query = inDatabase(target);
      const db = seedDatabase(query);
      const counts: Record<string, number> = {};
      for (const table of await tableRows(query)) counts[table.name] = await db.count(table.name);
      return counts;
    },

    async seedRows(target, tables) {
      const query = inDatabase(target);
      return seedSchema(seedDatabase(query), await inspectPostgres(query), tables, databaseOf(target));
    },

    async revisions(target) {
      if (!(await exists(target))) return [];
      const query = inDatabase(target);
      const [found] = await query<{ name: string | null }>('looking up alembic_version', "SELECT to_regclass('alembic_version')::text AS name");
      if (!found?.name) return [];
      return (await query<{ version_num: string }>('reading alembic_version', 'SELECT version_num FROM alembic_version ORDER BY version_num')).map((row) => row.version_num);
    },

    async close() {
      const open = [...pools.values()];
      pools.clear();
      maintenance.clear();
      await Promise.all(open.map((pool) => pool.end()));
    },
  };
}
