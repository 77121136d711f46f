import pg from 'pg';
import { usageError } from '../../errors.js';
import type { Engine } from '../engine.js';
import { attempt, databaseOf, errorCode, serverOf, sharedServer, type Query, type Server } from '../server/connection.js';
import { poolSet, sharedHalf, type ServerDialect } from '../server/engine.js';
import { checkParts, serverAccepts, serverValue } from '../server/seed-values.js';
import { quoteStandard } from '../sql.js';
import type { DatabaseTarget } from '../url.js';
import { fingerprintPostgres, postgresInspector, tableNames } from './inspect.js';

/** A PostgreSQL string literal (standard_conforming_strings is on since 9.1). */
const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const dialect: ServerDialect = {
  name: 'postgres',
  quote: quoteStandard,
  // A CHECK probe's values stand in for the columns, so they carry the columns' types.
  param: (index, type) => `$${index + 1}${type ? `::${type}` : ''}`,
  defaultRow: 'DEFAULT VALUES',
  alembicVersion: "SELECT 1 AS found WHERE to_regclass('alembic_version') IS NOT NULL",
  // Class 22, data exception.
  badValue: (error) => errorCode((error as Error).cause)?.startsWith('22') ?? false,
  values: {
    parts: checkParts,
    valueFor: (column) => serverValue(column, false),
    booleans: (column) => (column.type.toLowerCase() === 'boolean' ? [true, false] : []),
    accepts: serverAccepts,
  },
  text: (expression) => `(${expression})::text`,
  inspector: postgresInspector,
  tables: tableNames,
  fingerprint: fingerprintPostgres,
};

/**
 * The PostgreSQL engine. Creating, copying and dropping databases happen from the
 * server's maintenance database (`postgres`, else `template1`), as createdb does;
 * everything else connects to the database itself. One small pool per server, user and
 * database; `close()` ends them all.
 */
export function postgresEngine(): Engine {
  const maintenance = new Map<string, Promise<string>>();
  const serverKey = (server: Server): string => JSON.stringify([server.address, server.user, server.password]);
  const pools = poolSet((server, database) => {
    const pool = new pg.Pool({
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
    return pool;
  });

  const queryIn =
    (server: Server, database: string, creating = false): Query =>
    async <T>(what: string, sql: string, params: unknown[] = []): Promise<T[]> =>
      attempt(server, database, what, async () => (await pools.get(server, database).query(sql, params)).rows as T[], creating);

  /** The maintenance database: `postgres`, or `template1` on a server without one. */
  const maintenanceOf = (server: Server): Promise<string> => {
    const key = serverKey(server);
    let name = maintenance.get(key);
    if (!name) {
      name = pools
        .get(server, 'postgres')
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

  return {
    ...sharedHalf(dialect, { inDatabase, exists }),
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
        await pools.release(server, database);
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
          await pools.release(server, from);
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

    async close() {
      maintenance.clear();
      await pools.close();
    },
  };
}
