import mysql from 'mysql2/promise';
import { usageError } from '../../errors.js';
import type { Engine } from '../engine.js';
import { attempt, databaseOf, serverOf, sharedServer, type Query, type Server } from '../server/connection.js';
import { poolSet, sharedHalf, type ServerDialect } from '../server/engine.js';
import { checkParts, serverAccepts, serverValue } from '../server/seed-values.js';
import { quoteBacktick } from '../sql.js';
import type { DatabaseTarget } from '../url.js';
import { fingerprintMysql, mysqlInspector, tableNames } from './inspect.js';

const dialect: ServerDialect = {
  name: 'mysql',
  quote: quoteBacktick,
  param: () => '?',
  defaultRow: '() VALUES ()',
  alembicVersion: "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'alembic_version'",
  badValue: () => false,
  values: { parts: checkParts, valueFor: (column) => serverValue(column, 0), booleans: () => [], accepts: serverAccepts },
  text: (expression) => `CAST(${expression} AS CHAR)`,
  inspector: mysqlInspector,
  tables: tableNames,
  fingerprint: fingerprintMysql,
};

/**
 * The MariaDB engine (MariaDB 10.5 or newer: devdb's marker is the schema comment,
 * which MySQL does not keep). Creating, copying and dropping databases happen on a
 * connection with no default database; everything else connects to the database itself.
 * One small pool per server, user and database; `close()` ends them all.
 */
export function mysqlEngine(): Engine {
  /** Pools on a database, or with no default database when it is undefined. */
  const pools = poolSet((server, database) =>
    mysql.createPool({
      ...(server.socket ? { socketPath: server.socket } : { host: server.host, port: server.port }),
      user: server.user,
      password: server.password ?? '',
      ...(database === undefined ? {} : { database }),
      connectionLimit: 2,
      maxIdle: 1,
      idleTimeout: 10_000,
      connectTimeout: 10_000,
      // Parent keys go back in as they came out, with no time zone conversion on the way.
      dateStrings: true,
    }),
  );

  const queryOn =
    (server: Server, database: string | undefined, about: string | undefined, creating = false): Query =>
    async <T>(what: string, sql: string, params: unknown[] = []): Promise<T[]> =>
      attempt(server, about, what, async () => (await pools.get(server, database).query(sql, params))[0] as T[], creating);

  const inDatabase = (target: DatabaseTarget): Query => {
    const database = databaseOf(target);
    return queryOn(serverOf(target), database, database);
  };

  /** Runs `run` with a query on the target's server, outside any database. */
  const onServer = <T>(target: DatabaseTarget, run: (query: Query, server: Server, database: string) => Promise<T>, creating = false): Promise<T> => {
    const server = serverOf(target);
    const database = databaseOf(target);
    return run(queryOn(server, undefined, database, creating), server, database);
  };

  const schemaRow = async (target: DatabaseTarget): Promise<{ comment: string } | undefined> =>
    onServer(target, async (query, _server, database) => {
      const rows = await query<{ comment: string }>(
        'looking up the database',
        'SELECT SCHEMA_COMMENT AS comment FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [database],
      );
      return rows[0];
    });

  const exists = async (target: DatabaseTarget): Promise<boolean> => (await schemaRow(target)) !== undefined;

  /** Creates an empty database with the marker as its comment, refusing one that exists. */
  const createMarked = async (target: DatabaseTarget, marker: string): Promise<void> => {
    await onServer(
      target,
      async (query, server, database) => {
        const [version] = await query<{ version: string }>('reading the server version', 'SELECT VERSION() AS version');
        if (!/mariadb/i.test(version?.version ?? '')) {
          throw usageError(`The server at ${server.address} is MySQL, which keeps no comment on a database for devdb's ownership marker; use MariaDB 10.5 or newer.`);
        }
        if (await exists(target)) throw usageError(`The MariaDB database "${database}" already exists at ${server.address}; drop it or choose another name.`);
        await query(`creating "${database}"`, `CREATE DATABASE ${quoteBacktick(database)} CHARACTER SET utf8mb4 COMMENT ?`, [marker]);
      },
      true,
    );
  };

  /**
   * Copies every table of `from` into the new database `to` on one connection, foreign key
   * checks off so tables can come in any order: SHOW CREATE TABLE keeps keys, indexes and
   * the AUTO_INCREMENT counter; then the rows, and the views last, in as many rounds as
   * views built on views need. Triggers and routines are not copied. Unlike PostgreSQL's
   * TEMPLATE this does not keep writers out: it copies consistently a database nobody changes meanwhile.
   */
  const copyInto = async (server: Server, from: string, to: string): Promise<void> => {
    const source = queryOn(server, from, from);
    const tables = await source<{ name: string; type: string }>(
      'querying tables',
      'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
    );
    const connection = await attempt(server, to, `connecting to "${to}"`, () => pools.get(server, to).getConnection());
    const run = (what: string, sql: string): Promise<unknown> => attempt(server, to, what, () => connection.query(sql));
    try {
      await run('turning foreign key checks off', 'SET FOREIGN_KEY_CHECKS = 0');
      for (const { name } of tables.filter((table) => table.type === 'BASE TABLE')) {
        const [created] = await source<{ 'Create Table': string }>(`reading "${name}" definition`, `SHOW CREATE TABLE ${quoteBacktick(name)}`);
        await run(`creating "${name}"`, created?.['Create Table'] ?? '');
        // Generated columns compute themselves and refuse a value.
        const columns = await source<{ name: string }>(
          `querying "${name}" columns`,
          "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY ORDINAL_POSITION",
          [name],
        );
        const list = columns.map((column) => quoteBacktick(column.name)).join(', ');
        await run(`copying "${name}" rows`, `INSERT INTO ${quoteBacktick(name)} (${list}) SELECT ${list} FROM ${quoteBacktick(from)}.${quoteBacktick(name)}`);
      }
      let views = tables.filter((table) => table.type === 'VIEW').map((table) => table.name);
      while (views.length > 0) {
        const failed: string[] = [];
        let lastError: unknown;
        for (const name of views) {
          const [shown] = await source<{ 'Create View': string }>(`reading view "${name}"`, `SHOW CREATE VIEW ${quoteBacktick(name)}`);
          // The definition names the source database and the definer; the copy reads its own tables, as whoever runs devdb.
          const sql = (shown?.['Create View'] ?? '').split(`${quoteBacktick(from)}.`).join('').replace(/ DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`/, '');
          try {
            await run(`creating view "${name}"`, sql);
          } catch (error) {
            failed.push(name);
            lastError = error;
          }
        }
        if (failed.length === views.length) throw lastError;
        views = failed;
      }
      await run('turning foreign key checks on', 'SET FOREIGN_KEY_CHECKS = 1');
      connection.release();
    } catch (error) {
      // Not back into the pool with foreign key checks off.
      connection.destroy();
      throw error;
    }
  };

  return {
    ...sharedHalf(dialect, { inDatabase, exists }),
    exists,
    create: createMarked,

    async marker(target) {
      const comment = (await schemaRow(target))?.comment;
      return comment ? comment : undefined;
    },

    async drop(target) {
      await onServer(target, async (query, _server, database) => {
        await query(`dropping "${database}"`, `DROP DATABASE IF EXISTS ${quoteBacktick(database)}`);
      });
    },

    async copy(source, dest, marker) {
      const server = sharedServer(source, dest);
      const from = databaseOf(source);
      const to = databaseOf(dest);
      if (!(await exists(source))) throw usageError(`The MariaDB database "${from}" does not exist at ${server.address}; create it, or fix the database name in the URL.`);
      await createMarked(dest, marker);
      try {
        await copyInto(server, from, to);
      } catch (error) {
        // Half a copy is no copy: the database devdb just made goes again.
        await onServer(dest, (query) => query(`dropping "${to}"`, `DROP DATABASE IF EXISTS ${quoteBacktick(to)}`));
        throw error;
      }
    },

    close: () => pools.close(),
  };
}
