import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { attempt, databaseOf, describeUrl, serverError, serverOf, sharedServer } from '../../src/engines/server/connection.js';
import type { DatabaseTarget } from '../../src/engines/url.js';

const pg = (url: string, database?: string): DatabaseTarget => ({ engine: 'postgres', url, ...(database ? { database } : {}) });
const my = (url: string): DatabaseTarget => ({ engine: 'mysql', url });
const driverError = (code: string, message = 'driver says no'): Error => Object.assign(new Error(message), { code });

describe('server URLs', () => {
  it('reads host, port, user and password, whatever the driver', () => {
    expect(serverOf(pg('postgresql+psycopg2://kallithea:p%40ss@db.example:5433/kallithea?sslmode=prefer'))).toEqual({
      engine: 'postgres',
      label: 'PostgreSQL',
      host: 'db.example',
      port: 5433,
      user: 'kallithea',
      password: 'p@ss',
      socket: undefined,
      address: 'db.example:5433',
    });
    expect(serverOf(my('mysql+pymysql://root@127.0.0.1/test?charset=utf8mb4'))).toMatchObject({ label: 'MariaDB', host: '127.0.0.1', port: 3306, user: 'root', password: undefined });
    expect(serverOf(pg('postgresql:///kallithea?host=/var/run/postgresql'))).toMatchObject({ host: 'localhost', socket: '/var/run/postgresql', address: '/var/run/postgresql' });
    expect(serverOf(my('mysql+pymysql://root@/kallithea?unix_socket=/run/mysqld/mysqld.sock'))).toMatchObject({ socket: '/run/mysqld/mysqld.sock' });
    expect(serverOf(pg('postgresql://[::1]:5433/k'))).toMatchObject({ host: '::1', port: 5433, address: '::1:5433' });
  });

  it('defaults the user as the Python drivers do', () => {
    expect(serverOf(pg('postgresql://127.0.0.1/k')).user).toBe(process.env.PGUSER ?? userInfo().username);
    expect(serverOf(my('mysql://127.0.0.1/k')).user).toBe(userInfo().username);
  });

  it('takes the database from the target, else from the URL path', () => {
    expect(databaseOf(pg('postgresql://root@127.0.0.1/test', 'devdb_x'))).toBe('devdb_x');
    expect(databaseOf(pg('postgresql://root@127.0.0.1/my%20db?x=1'))).toBe('my db');
    expect(() => databaseOf(pg('postgresql://root:secret@127.0.0.1/'))).toThrow(
      'The database URL "postgresql://root:***@127.0.0.1/" names no database; add one after the host (…/devdb_dev).',
    );
  });

  it('copies only within one server', () => {
    expect(sharedServer(pg('postgresql://root@127.0.0.1/a'), pg('postgresql+psycopg2://root:x@127.0.0.1:5432/b'))).toMatchObject({ address: '127.0.0.1:5432', password: 'x' });
    expect(() => sharedServer(pg('postgresql://root@127.0.0.1/a'), pg('postgresql://root@127.0.0.1:5433/b'))).toThrow(
      'PostgreSQL copies a database only within one server, but "a" is at 127.0.0.1:5432 and "b" at 127.0.0.1:5433; put both on the same server.',
    );
  });

  it('shows a URL without its password', () => {
    expect(describeUrl('postgresql+psycopg2://kallithea:s3cret@127.0.0.1:5432/k')).toBe('postgresql+psycopg2://kallithea:***@127.0.0.1:5432/k');
    expect(describeUrl('mysql://root@127.0.0.1/k')).toBe('mysql://root@127.0.0.1/k');
  });
});

describe('server errors', () => {
  const server = serverOf(pg('postgresql://kallithea:s3cret@127.0.0.1:5433/k'));

  it('turns connection errors into one sentence saying what to do, exit 2', () => {
    const cases: [string, string][] = [
      ['ECONNREFUSED', 'PostgreSQL at 127.0.0.1:5433 refused the connection; start it, or fix the server URL in devdb.json.'],
      ['ENOTFOUND', 'The PostgreSQL host "127.0.0.1" was not found; fix the host in the server URL in devdb.json.'],
      ['28P01', 'PostgreSQL at 127.0.0.1:5433 rejected user "kallithea"; fix the user or password in the server URL in devdb.json.'],
      ['28000', 'PostgreSQL at 127.0.0.1:5433 rejected user "kallithea"; fix the user or password in the server URL in devdb.json.'],
      ['3D000', 'The PostgreSQL database "k" does not exist at 127.0.0.1:5433; create it, or fix the database name in the URL.'],
    ];
    for (const [code, message] of cases) {
      expect(serverError(server, 'k', driverError(code)), code).toMatchObject({ exitCode: 2, message });
    }
  });

  it('blames the privilege to create databases only when creating one', () => {
    expect(serverError(server, 'k', driverError('42501'), true)?.message).toBe(
      'PostgreSQL user "kallithea" may not create databases; grant it CREATEDB (ALTER ROLE "kallithea" CREATEDB) or use a user that has it.',
    );
    expect(serverError(server, 'k', driverError('42501'))).toBeUndefined();
  });

  it('names the engine and the object when a query fails, exit 1, without the password', async () => {
    const failing = attempt(server, 'k', 'querying "users" columns', () => Promise.reject(driverError('42P01', 'bad thing near s3cret')));
    await expect(failing).rejects.toMatchObject({ exitCode: 1, message: 'postgres: querying "users" columns: bad thing near ***' });
  });
});
