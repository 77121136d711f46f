import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, git, query, sha256, type AlembicProject } from '../support/devdb.js';
import { dbContent, leftovers, ranToTheEnd, stopAndCheck, stopAt } from '../support/faults.js';

// Two git branches of the small Alembic project, each adding its own migration and rows:
// devdb branch save, list and restore take the development database back and forth with
// the data of each branch; then save and restore stopped by SIGINT and SIGKILL at each of
// their steps leave the development database as before or as restored, never half.

let project: AlembicProject;
let alembic: string;
const run = (...args: string[]) => devdb(args, { cwd: project.root });
const json = async (...args: string[]) => {
  const result = await run(...args, '--json');
  expect(result.exitCode, result.stderr || result.stdout).toBe(0);
  return JSON.parse(result.stdout);
};
const tb = () => ({ root: project.root, devDb: project.devDb, env: {} });
const revision = async () => (await query<{ version_num: string }>(project.devDb, 'select version_num from alembic_version')).map((r) => r.version_num);
const sql = async (statement: string) => {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(project.devDb);
  db.exec(statement);
  db.close();
};

/** On a new branch off the first commit: a migration adding `table`, committed, and the development database upgraded to it. */
async function branchWithMigration(branch: string, rev: string, table: string): Promise<void> {
  await git(project.root, 'checkout', '-q', '-b', branch, 'master');
  const file = path.join(project.root, 'migrations', 'versions', `${rev}_${table}.py`);
  fs.writeFileSync(
    file,
    `"""${table}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '${rev}'\ndown_revision = '0001'\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.create_table('${table}', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(40)))\n\n\ndef downgrade():\n    op.drop_table('${table}')\n`,
  );
  await git(project.root, 'add', '-A', 'migrations');
  await git(project.root, 'commit', '-q', '-m', `${table}`);
  await execa(alembic, ['upgrade', 'head'], { cwd: project.root, timeout: 60_000 });
}

beforeAll(async () => {
  project = await alembicProject();
  alembic = path.join(path.dirname(project.python), 'alembic');
  await git(project.root, 'branch', '-M', 'master');
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
}, 120_000);

describe('devdb branch on two git branches of an Alembic project', () => {
  let savedA: string;
  it('saves, lists, restores back and forth, and keeps rows of each branch', async () => {
    await branchWithMigration('a', 'aaaa0001', 'a_things');
    await sql("insert into a_things (id, name) values (1, 'on a')");
    const saveA = await json('branch', 'save');
    expect(saveA).toMatchObject({ ok: true, command: 'branch save', branch: 'a', revisions: ['aaaa0001'], dropped: [] });
    savedA = saveA.snapshot;

    // What one does without devdb: down to the common ancestor while a's migration is still here.
    await execa(alembic, ['downgrade', '0001'], { cwd: project.root, timeout: 60_000 });
    await branchWithMigration('b', 'bbbb0001', 'b_things');
    await sql("insert into b_things (id, name) values (1, 'on b')");
    const saveB = await json('branch', 'save');
    expect(saveB).toMatchObject({ branch: 'b', revisions: ['bbbb0001'] });

    const list = await json('branch', 'list');
    expect(Object.keys(list.branches).sort()).toEqual(['a', 'b']);
    expect(list.keep).toBe(3);
    expect(list.branches.a).toEqual([{ id: savedA, revisions: ['aaaa0001'], createdAt: expect.any(String), inCheckout: false }]);
    expect(list.branches.b).toEqual([{ id: saveB.snapshot, revisions: ['bbbb0001'], createdAt: expect.any(String), inCheckout: true }]);
    expect(Date.parse(list.branches.a[0].createdAt)).toBeLessThanOrEqual(Date.parse(list.branches.b[0].createdAt));
    const screen = await run('branch', 'list');
    expect(screen.stdout).toContain(`  ${savedA}  `);
    expect(screen.stdout).toContain('not in this checkout');

    // a's revision is not in b's checkout.
    const refused = await run('branch', 'restore', 'a');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'devdb: No snapshot of branch a is at a revision that exists in this checkout, so nothing was changed: run "devdb branch save a" while the development database holds that branch\'s data (devdb branch list shows the snapshots), or go back to the branch the database came from and "alembic downgrade" it to a revision both branches have.',
    ]);
    expect(await revision()).toEqual(['bbbb0001']);
    const none = await run('branch', 'restore', 'nosuch');
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('There is no snapshot of branch nosuch, so nothing was changed');

    await sql("insert into b_things (id, name) values (2, 'later on b')");
    await git(project.root, 'checkout', '-q', 'a');
    const toA = await json('branch', 'restore');
    expect(toA).toMatchObject({ ok: true, command: 'branch restore', branch: 'a', restored: savedA, revisions: ['aaaa0001'] });
    expect(await revision()).toEqual(['aaaa0001']);
    expect(await query(project.devDb, 'select name from a_things')).toEqual([{ name: 'on a' }]);
    // Taken with a checked out, it holds b's database at b's revision: it is b's.
    expect((await json('branch', 'list')).branches.b[0]).toMatchObject({ id: toA.safetySnapshot, revisions: ['bbbb0001'], inCheckout: false });

    await git(project.root, 'checkout', '-q', 'b');
    const toB = await json('branch', 'restore', 'b');
    expect(toB.revisions).toEqual(['bbbb0001']);
    expect(await revision()).toEqual(['bbbb0001']);
    expect(await query(project.devDb, 'select name from b_things order by id')).toEqual([{ name: 'on b' }, { name: 'later on b' }]);
  }, 60_000);

  it('keeps the newest 3 per branch, and only branch snapshots', async () => {
    const plain = await json('snapshot', 'list');
    const before = plain.snapshots.filter((s: { branch?: string }) => s.branch === undefined).map((s: { id: string }) => s.id);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await json('branch', 'save', 'c')).snapshot);
    const list = await json('branch', 'list');
    expect(list.branches.c.map((s: { id: string }) => s.id)).toEqual(ids.slice(1).reverse());
    expect(list.branches.a.map((s: { id: string }) => s.id)).toContain(savedA);
    const after = (await json('snapshot', 'list')).snapshots.filter((s: { branch?: string }) => s.branch === undefined).map((s: { id: string }) => s.id);
    expect(after).toEqual(before);
  }, 60_000);
});

describe('devdb branch save and restore stopped at each step', () => {
  const SAVE = ['branch save: snapshotting', 'branch save: keeping'];
  // The restore itself takes a few tens of milliseconds: stops within it, not only at its start.
  const RESTORE = [{ at: 'branch restore: snapshotting', delayMs: 0 }].concat([0, 5, 15, 25].map((delayMs) => ({ at: 'branch restore: restoring', delayMs })));
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(SAVE.flatMap((at) => [0, 40].map((delayMs) => ({ at, delayMs }))))(`save, ${signal} $delayMs ms after "$at"`, async (point) => {
      const devDb = sha256(project.devDb);
      await stopAndCheck(['branch', 'save'], point, signal, tb());
      expect(sha256(project.devDb)).toBe(devDb);
      expect((await run('branch', 'list')).exitCode).toBe(0);
    });

    it.each(RESTORE)(`restore a, ${signal} $delayMs ms after "$at"`, async (point) => {
      await git(project.root, 'checkout', '-q', 'a');
      const before = await dbContent(project.devDb);
      const restoredA = await restoredContent('a');
      const stopped = await stopAt(['branch', 'restore'], point, signal, { cwd: project.root, env: {} });
      expect(stopped.reached, stopped.output).toBe(true);
      const now = await dbContent(project.devDb);
      // As before, or as restored: never half.
      expect([JSON.stringify(before), JSON.stringify(restoredA)]).toContain(JSON.stringify(now));
      if (signal === 'SIGINT' && !ranToTheEnd(stopped)) {
        expect(stopped.exitCode, stopped.output).toBe(130);
        expect(stopped.stderr.trim().split('\n'), stopped.stderr).toHaveLength(1);
        expect(leftovers(project.root)).toEqual([]);
      }
      const again = await run('branch', 'restore');
      expect(again.exitCode, again.stderr).toBe(0);
      expect(await dbContent(project.devDb)).toEqual(restoredA);
      // Back to b's database for the next stop.
      await git(project.root, 'checkout', '-q', 'b');
      expect((await run('branch', 'restore')).exitCode).toBe(0);
    });
  }
});

const restoredCache = new Map<string, Record<string, unknown>>();
/** What the newest fitting snapshot of `branch` holds, read once. */
async function restoredContent(branch: string): Promise<Record<string, unknown>> {
  const known = restoredCache.get(branch);
  if (known) return known;
  const id = ((await json('branch', 'list')).branches[branch] as { id: string; inCheckout: boolean }[]).find((s) => s.inCheckout)?.id as string;
  const content = await dbContent(path.join(project.root, '.devdb', 'snapshots', `${id}.db`));
  restoredCache.set(branch, content);
  return content;
}

describe('devdb branch restore from a damaged snapshot', () => {
  it('fails, leaves the development database as it was, and names the snapshot of it', async () => {
    await git(project.root, 'checkout', '-q', 'a');
    const before = await dbContent(project.devDb);
    const id = ((await json('branch', 'list')).branches.a as { id: string; inCheckout: boolean }[]).find((s) => s.inCheckout)?.id as string;
    fs.writeFileSync(path.join(project.root, '.devdb', 'snapshots', `${id}.db`), 'not a database'.repeat(100));
    const failed = await run('branch', 'restore');
    expect(failed.exitCode, failed.stdout).not.toBe(0);
    const lines = failed.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/what it was before is snapshot \S+: run "devdb snapshot restore \S+"\.$/);
    expect(await dbContent(project.devDb)).toEqual(before);
  }, 30_000);
});
