import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, query, quotedTitle, sha256, starts, type Testbed } from '../support/devdb.js';
import { start } from '../support/faults.js';
import { databasesLike, SERVERS, serverQuery } from '../support/servers.js';

const REPO_NAME = '    repo_name = Column(Unicode(255), nullable=False, unique=True)';
const IP_ADDR = '    ip_addr = Column(String(255), nullable=False)';

/** A hand-written migration PostgreSQL and MariaDB refuse (text to integer without USING) and SQLite's batch mode runs, casting text to 0. */
const CAST_MIGRATION = `"""ip map: ip_addr as an integer

Revision ID: devdbcast0001
Revises: 7ba0d2cad930
Create Date: 2026-11-26 00:00:00
"""

revision = 'devdbcast0001'
down_revision = '7ba0d2cad930'
branch_labels = None
depends_on = None

from alembic import op
import sqlalchemy as sa


def upgrade():
    with op.batch_alter_table('user_ip_map', schema=None) as batch_op:
        batch_op.alter_column('ip_addr', existing_type=sa.String(length=255), type_=sa.Integer(), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('user_ip_map', schema=None) as batch_op:
        batch_op.alter_column('ip_addr', existing_type=sa.Integer(), type_=sa.String(length=255), existing_nullable=False)
`;

describe('the same loop on PostgreSQL and MariaDB, against a real Kallithea', () => {
  let tb: Testbed & { env: Record<string, string> };
  let tag: string;
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  const git = (...args: string[]) => execa('git', args, { cwd: tb.root });

  beforeAll(async () => {
    tb = await kallitheaTestbed();
    const init = await run('init', '--yes', '--force', '--repos', tb.repos, '--server-url', SERVERS.postgres, '--server-url', SERVERS.mysql);
    expect(init.exitCode, init.stderr).toBe(0);
    const plan = JSON.parse((await run('reset', '--dry-run', '--json', '--engine', 'postgres')).stdout);
    tag = /devdb_([0-9a-f]{8})_temp/.exec(plan.database)![1]!;
  });

  afterAll(async () => {
    const clean = await run('clean', '--snapshots');
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
    expect(await databasesLike('mysql', `devdb_${tag}`)).toEqual([]);
  });

  it.each(['postgres', 'mysql'] as const)('reset --engine %s builds the throwaway on the server under a name devdb owns, twice over', async (engine) => {
    for (let i = 0; i < 2; i++) {
      const result = await run('reset', '--json', '--engine', engine);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).database).toContain(`devdb_${tag}_temp`);
    }
    const repos = await serverQuery<{ repo_name: string }>(engine, `devdb_${tag}_temp`, 'SELECT repo_name FROM repositories ORDER BY repo_name');
    expect(repos.map((r) => r.repo_name)).toEqual([...tb.sampleRepos].sort());
    const ini = fs.readFileSync(path.join(tb.root, `temp.${engine}.ini`), 'utf8');
    expect(ini).toMatch(new RegExp(`^sqlalchemy.url = ${engine === 'postgres' ? 'postgresql\\+psycopg2' : 'mysql\\+pymysql'}://root@127.0.0.1:\\d+/devdb_${tag}_temp`, 'm'));
  });

  it('a database with devdb\'s name that devdb did not create is refused, even with --force, and left as it was', async () => {
    expect((await run('clean')).exitCode).toBe(0);
    await serverQuery('postgres', undefined, `CREATE DATABASE devdb_${tag}_temp`);
    await serverQuery('postgres', `devdb_${tag}_temp`, 'CREATE TABLE precious (id integer)');
    try {
      const refused = await run('reset', '--engine', 'postgres', '--force');
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toMatch(new RegExp(`The database .*devdb_${tag}_temp exists but devdb did not create it; devdb will not drop it`));
      expect(await serverQuery('postgres', `devdb_${tag}_temp`, 'SELECT count(*) AS n FROM precious')).toEqual([{ n: '0' }]);
    } finally {
      await serverQuery('postgres', undefined, `DROP DATABASE devdb_${tag}_temp`);
    }
  });

  it('cycle --engine all proves a new column on SQLite, PostgreSQL and MariaDB side by side, drops its server databases, then applies it', async () => {
    editModels(tb.root, REPO_NAME, '    note = Column(Unicode(255), nullable=True)');
    const result = await run('cycle', '--json', '--engine', 'all', '-m', 'repositories: add note');
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.engines.map((e: { engine: string; ok: boolean }) => `${e.engine}:${e.ok}`)).toEqual(['sqlite:true', 'postgres:true', 'mysql:true']);
    for (const engine of report.engines.slice(1)) {
      expect(engine.base).toBe('vcs');
      expect(engine.checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed', 'passed']);
      expect(engine.dropped).toEqual(expect.arrayContaining([expect.stringContaining(`devdb_${tag}_base`), expect.stringContaining(`devdb_${tag}_temp`)]));
    }
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
    expect(await databasesLike('mysql', `devdb_${tag}`)).toEqual([]);
    const columns = await query<{ name: string }>(tb.devDb, "select name from pragma_table_info('repositories')");
    expect(columns.map((c) => c.name)).toContain('note');
    await git('add', '-A', 'kallithea');
    await git('commit', '-qm', 'repositories: add note');
  });

  it('the people-facing report of --engine all is a table with a column per engine', async () => {
    const result = await run('verify', '--engine', 'all');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/is committed, so the committed code cannot give the database before it; verify it on sqlite/);
    expect(result.stdout + result.stderr).toMatch(/sqlite\s*│?\s*postgres\s*│?\s*mysql/);
  });

  it('Ctrl-C during a cycle on PostgreSQL drops its databases there, and says so', async () => {
    editModels(tb.root, REPO_NAME, '    note_two = Column(Unicode(255), nullable=True)');
    const before = (await git('status', '--porcelain', '--untracked-files=all', 'kallithea')).stdout;
    try {
      const running = start(['cycle', '--no-apply', '--engine', 'postgres', '-m', 'repositories: add note_two'], { cwd: tb.root, env: tb.env });
      await running.waitFor(starts('upgrade'));
      process.kill(running.pid, 'SIGINT');
      const { exitCode, stderr } = await running.done();
      expect(exitCode).toBe(130);
      expect(stderr).toMatch(new RegExp(`^devdb: Interrupted \\(SIGINT\\) during ${quotedTitle('upgrade')}.*dropped .*devdb_${tag}_base.*devdb_${tag}_temp`, 'm'));
      expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
    } finally {
      await git('checkout', '--', 'kallithea/model/db.py');
      for (const line of (await git('status', '--porcelain', '--untracked-files=all', 'kallithea')).stdout.split('\n')) {
        if (line.startsWith('?? ') && !before.includes(line)) fs.rmSync(path.join(tb.root, line.slice(3)));
      }
    }
  });

  it('a text-to-integer cast PostgreSQL and MariaDB refuse, and SQLite runs over the boundary rows into a UNIQUE collision, is caught, naming the engines', async () => {
    const models = path.join(tb.root, 'kallithea', 'model', 'db.py');
    fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace(IP_ADDR, '    ip_addr = Column(Integer(), nullable=False)'));
    const head = (await query<{ version_num: string }>(tb.devDb, 'select version_num from alembic_version'))[0]!.version_num;
    fs.writeFileSync(path.join(tb.root, 'kallithea', 'alembic', 'versions', 'devdbcast0001_ip_addr_integer.py'), CAST_MIGRATION.replace(/7ba0d2cad930/g, head));
    const devHash = sha256(tb.devDb);
    const result = await run('verify', '--engine', 'all', '--json');
    expect(result.exitCode, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.engines.map((e: { engine: string; ok: boolean }) => `${e.engine}:${e.ok}`)).toEqual(['sqlite:false', 'postgres:false', 'mysql:false']);
    // SQLite's batch mode casts the boundary rows' text to 0, so they collide on UNIQUE (user_id, ip_addr).
    expect(report.engines[0].shapes).toEqual([{ table: 'user_ip_map', inserted: 3 }]);
    expect(report.engines[0].error.message).toMatch(/the upgrade failed: .*UNIQUE constraint failed: _alembic_tmp_user_ip_map\.user_id, _alembic_tmp_user_ip_map\.ip_addr/);
    expect(report.engines[1].error.message).toMatch(/the upgrade failed: .*cannot be cast automatically to type integer/);
    const people = await run('verify', '--engine', 'all');
    expect(people.stderr).toContain('devdb verify: the migration failed on sqlite, postgres, mysql.');
    expect(sha256(tb.devDb)).toBe(devHash);
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
  });
});
