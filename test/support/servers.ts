import mysql from 'mysql2/promise';
import pg from 'pg';

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
