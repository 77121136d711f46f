import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, type AlembicProject } from '../support/devdb.js';
import { serverQuery } from '../support/servers.js';

/** One line, no stack trace: what every refusal looks like. */
const oneSentence = (stderr: string): void => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('server engines: what goes wrong before a database is touched is one sentence and exit 2', () => {
  let project: AlembicProject;
  const run = (...args: string[]) => devdb(args, { cwd: project.root });
  const configure = (servers: Record<string, string>, engine: string): void => {
    const file = path.join(project.root, 'devdb.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), engine, servers }, null, 2));
  };

  beforeAll(async () => {
    project = await alembicProject();
    expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
    await serverQuery('postgres', undefined, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'devdb_e2e_nocreate') THEN CREATE ROLE devdb_e2e_nocreate LOGIN; END IF; END $$");
  });

  afterAll(async () => {
    await serverQuery('postgres', undefined, 'DROP ROLE IF EXISTS devdb_e2e_nocreate');
  });

  it('a Python without a PostgreSQL driver is named, with the pip command that installs one', async () => {
    configure({ postgres: 'postgresql://root@127.0.0.1:5432/postgres' }, 'postgres');
    const result = await run('reset');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`has no PostgreSQL driver for SQLAlchemy; install one with "${project.python} -m pip install psycopg2-binary".`);
    oneSentence(result.stderr);
  });

  it('a Python without a MariaDB driver is named too', async () => {
    configure({ mysql: 'mysql://root@127.0.0.1:3306/' }, 'mysql');
    const result = await run('reset');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('has no MariaDB/MySQL driver for SQLAlchemy; install one with');
    expect(result.stderr).toContain('-m pip install PyMySQL');
  });

  it.each([
    ['a server that refuses the connection', { postgres: 'postgresql+psycopg2://root@127.0.0.1:1/postgres' }, 'postgres', /refused the connection/],
    ['wrong credentials', { mysql: 'mysql+pymysql://root:not-the-password@127.0.0.1:3306/' }, 'mysql', /(rejected|authentication|password)/i],
    ['a user who may not create databases', { postgres: 'postgresql+psycopg2://devdb_e2e_nocreate@127.0.0.1:5432/postgres' }, 'postgres', /may not create databases; grant it CREATEDB/],
  ])('%s', async (_, servers, engine, message) => {
    configure(servers, engine);
    const result = await run('reset');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('not-the-password');
    oneSentence(result.stderr);
  });

  it('a server engine chosen without its server, and a server URL of the wrong kind, are config errors', async () => {
    configure({}, 'postgres');
    const missing = await run('reset');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/"servers".*must give a URL for the engine chosen in "engine"/);
    configure({ postgres: 'mysql://root@127.0.0.1:3306/' }, 'postgres');
    const wrong = await run('reset');
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/"servers.postgres" is "mysql:\/\/root@127.0.0.1:3306\/", which is not allowed; it must be a URL such as postgresql:/);
    const flags = await run('init', '--yes', '--force', '--python', project.python, '--engine', 'mysql', '--server-url', 'postgresql://root@127.0.0.1:5432/postgres');
    expect(flags.exitCode).toBe(2);
    expect(flags.stderr).toContain('--engine mysql needs the server to create databases on; add --server-url URL for it.');
  });
});
