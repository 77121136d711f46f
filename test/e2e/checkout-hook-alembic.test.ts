import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, git, query, sha256, type AlembicProject } from '../support/devdb.js';
import { dbContent, leftovers, ranToTheEnd, stopAt } from '../support/faults.js';
import { withMercurial } from '../support/mercurial.js';

// The development database follows the branch: devdb hook install adds git's post-checkout
// hook (Mercurial's preupdate and update hooks), and a plain `git checkout` / `hg update`
// to a branch whose migrations lack the database's revision snapshots it for the branch
// left and puts back the entered branch's snapshot. A checkout that needs nothing leaves
// the database's bytes alone; one with no fitting snapshot changes nothing and says so.

const migration = (rev: string, table: string) =>
  `"""${table}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '${rev}'\ndown_revision = '0001'\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.create_table('${table}', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(40)))\n\n\ndef downgrade():\n    op.drop_table('${table}')\n`;

const sqlOn = async (file: string, statement: string) => {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  db.exec(statement);
  db.close();
};
const revisionOf = async (file: string) => (await query<{ version_num: string }>(file, 'select version_num from alembic_version')).map((r) => r.version_num);
const names = async (file: string, table: string) => (await query<{ name: string }>(file, `select name from ${table} order by id`)).map((r) => r.name);

describe('git: the development database follows git checkout', () => {
  let project: AlembicProject;
  let alembic: string;
  let hooks: string;
  const chainedLog = () => path.join(project.root, 'chained.log');
  const run = (args: string[], env: Record<string, string> = {}) => devdb(args, { cwd: project.root, env });
  const json = async (...args: string[]) => {
    const result = await run([...args, '--json']);
    expect(result.exitCode, result.stderr || result.stdout).toBe(0);
    return JSON.parse(result.stdout);
  };
  const checkout = async (branch: string, env: Record<string, string> = {}) => {
    const result = await execa('git', ['checkout', '-q', branch], { cwd: project.root, env: { NO_COLOR: '1', ...env }, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    return result;
  };
  const PREVIOUS_HOOK = '#!/bin/sh\necho "$3" >> chained.log\n';

  async function branchWithMigration(branch: string, rev: string, table: string): Promise<void> {
    await git(project.root, 'checkout', '-q', '-b', branch, 'master');
    fs.writeFileSync(path.join(project.root, 'migrations', 'versions', `${rev}_${table}.py`), migration(rev, table));
    await git(project.root, 'add', '-A', 'migrations');
    await git(project.root, 'commit', '-q', '--no-verify', '-m', table);
    await execa(alembic, ['upgrade', 'head'], { cwd: project.root, timeout: 60_000 });
  }

  beforeAll(async () => {
    project = await alembicProject();
    alembic = path.join(path.dirname(project.python), 'alembic');
    await git(project.root, 'branch', '-M', 'master');
    expect((await run(['init', '--yes', '--python', project.python])).exitCode).toBe(0);
    hooks = path.join(project.root, '.git', 'hooks');
    fs.writeFileSync(path.join(hooks, 'post-checkout'), PREVIOUS_HOOK, { mode: 0o755 });
    fs.appendFileSync(path.join(project.root, '.git', 'info', 'exclude'), 'chained.log\n');
    const installed = await json('hook', 'install');
    expect(installed.checkout).toEqual({ file: path.join(hooks, 'post-checkout'), installed: true, chained: path.join(hooks, 'post-checkout.devdb-chained') });
    expect((await run(['hook', 'status'])).stdout).toContain(`devdb's git post-checkout hook is installed in ${path.join(hooks, 'post-checkout')}; it runs ${path.join(hooks, 'post-checkout.devdb-chained')} first.`);

    await branchWithMigration('a', 'aaaa0001', 'a_things');
    await sqlOn(project.devDb, "insert into a_things (id, name) values (1, 'on a')");
    expect((await json('branch', 'save')).branch).toBe('a');
    await execa(alembic, ['downgrade', '0001'], { cwd: project.root, timeout: 60_000 });
    await branchWithMigration('b', 'bbbb0001', 'b_things');
    await sqlOn(project.devDb, "insert into b_things (id, name) values (1, 'on b')");
  }, 180_000);

  it('switching back and forth swaps in each branch database, with the rows added on each', async () => {
    const toA = await checkout('a');
    // git hands a hook's stdout to stderr.
    expect(String(toA.stderr)).toMatch(/^devdb: the development database is back to branch a's snapshot \S+ \(aaaa0001\); what it held is snapshot \S+ \(branch b\)\.$/m);
    expect(await revisionOf(project.devDb)).toEqual(['aaaa0001']);
    expect(await names(project.devDb, 'a_things')).toEqual(['on a']);
    await sqlOn(project.devDb, "insert into a_things (id, name) values (2, 'later on a')");

    await checkout('b');
    expect(await revisionOf(project.devDb)).toEqual(['bbbb0001']);
    expect(await names(project.devDb, 'b_things')).toEqual(['on b']);
    await sqlOn(project.devDb, "insert into b_things (id, name) values (2, 'later on b')");

    await checkout('a');
    expect(await names(project.devDb, 'a_things')).toEqual(['on a', 'later on a']);
    await checkout('b');
    expect(await names(project.devDb, 'b_things')).toEqual(['on b', 'later on b']);
    // The hook that was there before ran on every checkout, with git's arguments.
    expect(fs.readFileSync(chainedLog(), 'utf8').trim().split('\n').slice(-4)).toEqual(['1', '1', '1', '1']);
    const list = await json('branch', 'list');
    expect(list.branches.a.length).toBeLessThanOrEqual(3);
    expect(list.branches.b[0]).toMatchObject({ revisions: ['bbbb0001'], inCheckout: true });
  }, 60_000);

  it('a checkout whose migrations have the database revision leaves its bytes alone', async () => {
    const before = sha256(project.devDb);
    const created = await execa('git', ['checkout', '-q', '-b', 'b2'], { cwd: project.root });
    expect(String(created.stderr)).toBe("devdb: the development database (bbbb0001) fits branch b2; it is left as it is.");
    await checkout('b');
    // A file checkout is not a branch move: nothing runs.
    const file = await execa('git', ['checkout', '--', 'alembic.ini'], { cwd: project.root });
    expect(String(file.stderr)).toBe('');
    expect(sha256(project.devDb)).toBe(before);
    const off = await checkout('a', { DEVDB_NO_CHECKOUT_HOOK: '1' });
    expect(String(off.stderr)).toBe('');
    expect(sha256(project.devDb)).toBe(before);
    await checkout('b', { DEVDB_NO_CHECKOUT_HOOK: '1' });
  }, 60_000);

  it('a branch with no snapshot that fits changes nothing and says what to do in one line', async () => {
    const before = sha256(project.devDb);
    const moved = await execa('git', ['checkout', '-q', 'master'], { cwd: project.root, env: { NO_COLOR: '1' } });
    expect(moved.exitCode).toBe(0);
    expect(String(moved.stderr).trim().split('\n')).toEqual([
      'devdb: The development database is at bbbb0001, which branch master does not have, and no snapshot of branch master fits this checkout, so it was left as it is: run "devdb branch restore NAME" with a branch whose snapshot fits (devdb branch list), or go back to b and "alembic downgrade" it to a revision both branches have.',
    ]);
    expect(sha256(project.devDb)).toBe(before);
    await checkout('b');
    expect(sha256(project.devDb)).toBe(before);
  }, 60_000);

  describe('the checkout hook stopped at each step of its restore', () => {
    const POINTS = [{ at: 'devdb: snapshotting', delayMs: 0 }].concat([0, 5, 15, 25].map((delayMs) => ({ at: 'devdb: restoring', delayMs })));
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      it.each(POINTS)(`${signal} $delayMs ms after "$at": as before or as restored, and the next run finishes it`, async (point) => {
        const previous = (await git(project.root, 'rev-parse', 'HEAD')).stdout.trim();
        await checkout('a', { DEVDB_NO_CHECKOUT_HOOK: '1' });
        const next = (await git(project.root, 'rev-parse', 'HEAD')).stdout.trim();
        const before = await dbContent(project.devDb);
        const args = ['hook', 'checkout', previous, next, '1'];
        const stopped = await stopAt(args, point, signal, { cwd: project.root, env: {} });
        expect(stopped.reached, stopped.output).toBe(true);
        if (signal === 'SIGINT' && !ranToTheEnd(stopped)) {
          expect(stopped.exitCode, stopped.output).toBe(130);
          expect(stopped.stderr.trim().split('\n').filter((l) => l.startsWith('devdb: Interrupted')), stopped.stderr).toHaveLength(1);
          expect(leftovers(project.root)).toEqual([]);
        }
        const now = await dbContent(project.devDb);
        const restored = (now as { a_things?: unknown }).a_things !== undefined;
        if (!restored) expect(now).toEqual(before);
        const again = await run(args);
        expect(again.exitCode, again.stderr).toBe(0);
        expect(await revisionOf(project.devDb)).toEqual(['aaaa0001']);
        expect(await names(project.devDb, 'a_things')).toEqual(['on a', 'later on a']);
        await checkout('b');
        expect(await names(project.devDb, 'b_things')).toEqual(['on b', 'later on b']);
      }, 60_000);
    }
  });

  it('a restore that fails leaves the database as it was and names the snapshot that holds it', async () => {
    const before = await dbContent(project.devDb);
    const newestA = ((await json('branch', 'list')).branches.a as { id: string }[])[0]!.id;
    fs.writeFileSync(path.join(project.root, '.devdb', 'snapshots', `${newestA}.db`), 'not a database'.repeat(100));
    const moved = await execa('git', ['checkout', '-q', 'a'], { cwd: project.root, env: { NO_COLOR: '1' }, reject: false });
    // The checkout itself happened and reports the previous hook's status.
    expect(moved.exitCode).toBe(0);
    expect(String(moved.stderr)).toMatch(/what it was before is snapshot \S+: run "devdb snapshot restore \S+"\.$/m);
    expect(await dbContent(project.devDb)).toEqual(before);
    await checkout('b', { DEVDB_NO_CHECKOUT_HOOK: '1' });
  }, 60_000);

  it('uninstall puts the previous post-checkout hook back byte for byte', async () => {
    expect((await run(['hook', 'uninstall'])).exitCode).toBe(0);
    expect(fs.readFileSync(path.join(hooks, 'post-checkout'), 'utf8')).toBe(PREVIOUS_HOOK);
    expect(fs.existsSync(path.join(hooks, 'post-checkout.devdb-chained'))).toBe(false);
    expect(fs.existsSync(path.join(hooks, 'pre-commit'))).toBe(false);
  });
});

describe('Mercurial: the development database follows hg update across named branches', () => {
  let project: AlembicProject;
  let alembic: string;
  let env: Record<string, string>;
  const HGRC = '[ui]\nusername = devdb tests <devdb@example.com>\n';
  const hg = (...args: string[]) => execa('hg', args, { cwd: project.root, env: { ...env, HGPLAIN: '1', NO_COLOR: '1' } });
  const run = (...args: string[]) => devdb(args, { cwd: project.root, env });

  async function branchWithMigration(branch: string, rev: string, table: string): Promise<void> {
    await hg('update', '-q', 'default');
    await hg('branch', '-q', branch);
    fs.writeFileSync(path.join(project.root, 'migrations', 'versions', `${rev}_${table}.py`), migration(rev, table));
    await hg('add', '-q', 'migrations');
    await hg('commit', '-q', '-m', table, '--config', 'hooks.pretxncommit.devdb=');
    await execa(alembic, ['upgrade', 'head'], { cwd: project.root, timeout: 60_000 });
  }

  beforeAll(async () => {
    env = await withMercurial();
    project = await alembicProject();
    alembic = path.join(path.dirname(project.python), 'alembic');
    fs.rmSync(path.join(project.root, '.git'), { recursive: true });
    fs.writeFileSync(path.join(project.root, '.hgignore'), 'syntax: glob\n*.db\n__pycache__/\nproject.json\n');
    await hg('init');
    fs.writeFileSync(path.join(project.root, '.hg', 'hgrc'), HGRC);
    expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
    await hg('add', '-q');
    await hg('commit', '-q', '-m', 'initial');
    const installed = await run('hook', 'install', '--json');
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(JSON.parse(installed.stdout).checkout).toEqual({ file: path.join(project.root, '.hg', 'hgrc'), installed: true });
    await branchWithMigration('a', 'aaaa0001', 'a_things');
    await sqlOn(project.devDb, "insert into a_things (id, name) values (1, 'on a')");
    expect((await run('branch', 'save')).exitCode).toBe(0);
    await execa(alembic, ['downgrade', '0001'], { cwd: project.root, timeout: 60_000 });
    await branchWithMigration('b', 'bbbb0001', 'b_things');
    await sqlOn(project.devDb, "insert into b_things (id, name) values (1, 'on b')");
  }, 180_000);

  it('back and forth keeps each branch rows; an update within a branch leaves the bytes alone; uninstall restores hgrc', async () => {
    const toA = await hg('update', '-q', 'a');
    expect(String(toA.stdout)).toMatch(/^devdb: the development database is back to branch a's snapshot \S+ \(aaaa0001\); what it held is snapshot \S+ \(branch b\)\.$/m);
    expect(await names(project.devDb, 'a_things')).toEqual(['on a']);
    await sqlOn(project.devDb, "insert into a_things (id, name) values (2, 'later on a')");
    await hg('update', '-q', 'b');
    expect(await names(project.devDb, 'b_things')).toEqual(['on b']);
    await hg('update', '-q', 'a');
    expect(await names(project.devDb, 'a_things')).toEqual(['on a', 'later on a']);

    const before = sha256(project.devDb);
    await hg('update', '-q', '-r', 'a');
    await hg('update', '-q', 'default');
    expect(await revisionOf(project.devDb)).toEqual(['aaaa0001']);
    // default lacks aaaa0001 and has no snapshot: nothing changed.
    expect(sha256(project.devDb)).toBe(before);
    await hg('update', '-q', 'a');
    expect(sha256(project.devDb)).toBe(before);

    const installed = JSON.parse((await run('status', '--json')).stdout);
    expect(installed.hook).toEqual({ vcs: 'hg', installed: true, file: path.join(project.root, '.hg', 'hgrc'), checkout: true });
    expect((await run('hook', 'uninstall')).exitCode).toBe(0);
    expect(fs.readFileSync(path.join(project.root, '.hg', 'hgrc'), 'utf8')).toBe(HGRC);
  }, 90_000);

  it('devdb status in Mercurial: an update without the hook leaves the database at a revision the branch lacks, and next names the branch snapshot', async () => {
    await hg('update', '-q', 'b');
    const report = JSON.parse((await run('status', '--json')).stdout);
    expect(report.database).toMatchObject({ revisions: ['aaaa0001'], known: false, position: 'unknown' });
    expect(report.migrations).toMatchObject({ heads: ['bbbb0001'], newest: { revision: 'bbbb0001', committed: true } });
    expect(report.hook).toEqual({ vcs: 'hg', installed: false, file: path.join(project.root, '.hg', 'hgrc'), checkout: false });
    expect(report.snapshots.list.at(-1)).toMatchObject({ branch: expect.any(String) });
    expect(report.next).toMatch(/^the development database is at aaaa0001, which this checkout has no migration for \(another branch's\?\): `devdb branch restore b` \(its snapshot at bbbb0001\), or go back/);
    expect((await run('branch', 'restore')).exitCode).toBe(0);
    const back = JSON.parse((await run('status', '--json')).stdout);
    expect(back.database).toMatchObject({ revisions: ['bbbb0001'], known: true, position: 'head' });
  }, 60_000);
});
