import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devdb, git, kallitheaTestbed, type Testbed } from '../support/devdb.js';
import { databasesLike, kallitheaOnPostgres, serverQuery } from '../support/servers.js';

const HEAD = '7ba0d2cad930';
const FEATURE = 'feed0001cafe';
const MAIN = 'a11a0002beef';
const migration = (rev: string, table: string) =>
  `"""${table}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '${rev}'\ndown_revision = '${HEAD}'\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.create_table('${table}', sa.Column('id', sa.Integer, primary_key=True), sa.Column('body', sa.Unicode(200)))\n\n\ndef downgrade():\n    op.drop_table('${table}')\n`;

/**
 * Kallithea's own development database on PostgreSQL, made by hand with kallithea-cli as its
 * docs say, follows plain `git checkout`s between main and a feature branch that each added
 * a migration: each branch gets its database back, with the rows added on it, as snapshots on
 * the server; a checkout that needs nothing makes no snapshot and changes nothing.
 */
describe('the Kallithea testbed: a PostgreSQL development database follows git checkout', () => {
  let tb: Testbed & { env: Record<string, string> };
  let dev: string;
  let tag: string;
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  const revision = async () => (await serverQuery<{ version_num: string }>('postgres', dev, 'SELECT version_num FROM alembic_version')).map((r) => r.version_num);
  const setting = (name: string) => serverQuery('postgres', dev, `INSERT INTO settings (app_settings_name, app_settings_value) VALUES ('${name}', 'v')`);
  const settings = async () =>
    (await serverQuery<{ name: string }>('postgres', dev, "SELECT app_settings_name AS name FROM settings WHERE app_settings_name LIKE 'branch-%' ORDER BY app_settings_id")).map((r) => r.name);
  const snapshots = async () => JSON.parse((await run('snapshot', 'list', '--json')).stdout).snapshots as unknown[];
  const checkout = async (...args: string[]) => {
    const result = await execa('git', ['checkout', '-q', ...args], { cwd: tb.root, env: { NO_COLOR: '1' }, reject: false, timeout: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    // git hands a hook's stdout to stderr.
    return String(result.stderr);
  };

  beforeAll(async () => {
    tb = await kallitheaTestbed();
    ({ dev, tag } = await kallitheaOnPostgres(tb));
    const installed = await run('hook', 'install');
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(`Installed devdb's git post-checkout hook in ${path.join(tb.root, '.git', 'hooks', 'post-checkout')}`);

    await setting('branch-main');
    expect((await run('branch', 'save')).exitCode).toBe(0);
    const commitMigration = async (rev: string, table: string) => {
      fs.writeFileSync(path.join(tb.root, 'kallithea', 'alembic', 'versions', `${rev}_${table}.py`), migration(rev, table));
      await git(tb.root, 'add', 'kallithea/alembic/versions');
      await git(tb.root, 'commit', '-q', '--no-verify', '-m', table);
      await execa(tb.alembic, ['-c', 'development.ini', 'upgrade', 'head'], { cwd: tb.root, timeout: 120_000 });
    };
    expect(await checkout('-b', 'feature')).toContain('fits branch feature; it is left as it is.');
    await commitMigration(FEATURE, 'devdb_notes');
    await setting('branch-feature');
    await serverQuery('postgres', dev, "INSERT INTO devdb_notes (id, body) VALUES (1, 'on feature')");
    // Meanwhile main gains a migration of its own, so neither branch has the other's head.
    expect(await checkout('main')).toMatch(new RegExp(`^devdb: the development database is back to branch main's snapshot \\S+ \\(${HEAD}\\); what it held is snapshot \\S+ \\(branch feature\\)\\.$`, 'm'));
    await commitMigration(MAIN, 'devdb_tags');
    await setting('branch-main-2');
  }, 300_000);

  afterAll(async () => {
    expect((await run('clean', '--snapshots')).exitCode).toBe(0);
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
    await serverQuery('postgres', undefined, `DROP DATABASE IF EXISTS ${dev} WITH (FORCE)`);
  });

  it('main and feature each get their own database back, with the rows added on each', async () => {
    expect(await checkout('feature')).toMatch(new RegExp(`^devdb: the development database is back to branch feature's snapshot \\S+ \\(${FEATURE}\\); what it held is snapshot \\S+ \\(branch main\\)\\.$`, 'm'));
    expect(await revision()).toEqual([FEATURE]);
    expect(await settings()).toEqual(['branch-main', 'branch-feature']);
    expect(await serverQuery('postgres', dev, 'SELECT body FROM devdb_notes')).toEqual([{ body: 'on feature' }]);
    await setting('branch-feature-later');

    await checkout('main');
    expect(await revision()).toEqual([MAIN]);
    expect(await settings()).toEqual(['branch-main', 'branch-main-2']);

    await checkout('feature');
    expect(await settings()).toEqual(['branch-main', 'branch-feature', 'branch-feature-later']);
    await checkout('main');
    expect(await revision()).toEqual([MAIN]);
    const list = JSON.parse((await run('branch', 'list', '--json')).stdout);
    expect(list.branches.main[0]).toMatchObject({ revisions: [MAIN], inCheckout: true });
    expect(list.branches.feature[0]).toMatchObject({ revisions: [FEATURE], inCheckout: false });
    expect(await databasesLike('postgres', `devdb_${tag}_snap_`)).toHaveLength((await snapshots()).length);
  }, 180_000);

  it('a checkout to a branch that has the database revision makes no snapshot and leaves the rows alone', async () => {
    const before = await snapshots();
    expect((await checkout('-b', 'main-2')).trim()).toBe(`devdb: the development database (${MAIN}) fits branch main-2; it is left as it is.`);
    expect(await snapshots()).toEqual(before);
    expect(await revision()).toEqual([MAIN]);
    expect(await settings()).toEqual(['branch-main', 'branch-main-2']);
    await checkout('main');
  }, 60_000);
});
