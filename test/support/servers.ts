import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { devdb, type Testbed } from './devdb.js';

/** The servers these machines run (docs: ../shared/docs/platform.md); devdb's tests use them for real. */
export const SERVERS = {
  postgres: 'postgresql://root@127.0.0.1:5432/postgres',
  mysql: 'mysql://root@127.0.0.1:3306/',
} as const;

export type ServerName = keyof typeof SERVERS;

/** Runs SQL on a server (in `database`, or the server's default one) and returns the rows. */
export async function serverQuery<T>(engine: ServerName, database: string | undefined, sql: string): Promise<T[]> {
  if (engine === 'postgres') {
    const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'root', database: database ?? 'postgres' });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', ...(database ? { database } : {}) });
  try {
    const [rows] = await connection.query(sql);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** The databases on a server whose names start with `prefix`. */
export async function databasesLike(engine: ServerName, prefix: string): Promise<string[]> {
  const rows =
    engine === 'postgres'
      ? await serverQuery<{ name: string }>(engine, undefined, `SELECT datname AS name FROM pg_database WHERE datname LIKE '${prefix}%' ORDER BY 1`)
      : await serverQuery<{ name: string }>(engine, undefined, `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${prefix}%' ORDER BY 1`);
  return rows.map((r) => r.name);
}

/**
 * The Kallithea testbed's development database moved to a new PostgreSQL database that
 * `kallithea-cli db-create` fills, as Kallithea's docs say (devdb did not make it), with
 * devdb initialised for throwaways on PostgreSQL. Returns that database's name and the tag
 * in the names of devdb's own databases.
 */
export async function kallitheaOnPostgres(tb: Testbed & { env: Record<string, string> }): Promise<{ dev: string; tag: string }> {
  const dev = `kallithea_dev_${randomBytes(4).toString('hex')}`;
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  await serverQuery('postgres', undefined, `CREATE DATABASE ${dev}`);
  const ini = path.join(tb.root, 'development.ini');
  fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = postgresql://root@127.0.0.1:5432/${dev}`));
  await execa(tb.kallitheaCli, ['db-create', '-c', 'development.ini', '--user', 'admin', '--password', tb.adminPassword, '--email', 'admin@example.com', '--repos', tb.repos, '--force-yes', '--no-public-access'], { cwd: tb.root });
  const init = await run('init', '--yes', '--force', '--repos', tb.repos, '--engine', 'postgres', '--server-url', SERVERS.postgres);
  if (init.exitCode !== 0) throw new Error(`devdb init failed: ${init.stderr}`);
  const tag = /devdb_([0-9a-f]{8})_temp/.exec(JSON.parse((await run('reset', '--dry-run', '--json')).stdout).database)![1]!;
  return { dev, tag };
}
