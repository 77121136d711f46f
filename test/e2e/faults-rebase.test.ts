import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, projectEdits, git, sha256, starts, type AlembicProject } from '../support/devdb.js';
import { leftovers, ranToTheEnd, stopAt, type StopPoint } from '../support/faults.js';

// devdb rebase rewrites a migration the user keeps (its down_revision), then proves it on
// devdb's own databases. Stopped by SIGINT and SIGKILL at every step, the migration is
// whole (as it was, or re-parented), the development database is byte-identical, and
// the next rebase finishes the job.

let project: AlembicProject;
let migration: string;
let original: string;
const { run, commit, models, addColumn, migrate } = projectEdits(() => project);

const REBASE_POINTS: StopPoint[] = ['base-db', 'model-db', 'upgrade', 'downgrade', 'reupgrade'].map((id) => ({ at: starts(id), delayMs: 0 }));

beforeAll(async () => {
  project = await alembicProject();
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
  fs.appendFileSync(path.join(project.root, '.gitignore'), 'project.json\n');
  await git(project.root, 'branch', '-m', 'main');
  await commit('devdb.json');
  await git(project.root, 'checkout', '-q', '-b', 'feature');
  addColumn('author');
  migration = (await migrate('notes: add author')).migration;
  await commit('notes: add author');
  await git(project.root, 'checkout', '-q', 'main');
  // Another table than the branch's, so the merge is clean and only the migrations fork.
  fs.writeFileSync(models(), fs.readFileSync(models(), 'utf8').replace('    name = Column(String(50), nullable=False, unique=True)\n', '    name = Column(String(50), nullable=False, unique=True)\n    email = Column(String(80), nullable=True)\n'));
  await migrate('users: add email');
  await commit('users: add email');
  await git(project.root, 'checkout', '-q', 'feature');
  await git(project.root, 'merge', '-q', 'main', '-m', 'merge main');
  original = fs.readFileSync(path.join(project.root, migration), 'utf8');
}, 120_000);

describe('devdb rebase stopped at every step', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(REBASE_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      const devDb = sha256(project.devDb);
      const stopped = await stopAt(['rebase'], point, signal, { cwd: project.root, env: {} });
      expect(stopped.reached, stopped.output).toBe(true);
      if (signal === 'SIGINT' && !ranToTheEnd(stopped)) {
        expect(stopped.exitCode, stopped.output).toBe(130);
        expect(leftovers(project.root)).toEqual([]);
      }
      expect(sha256(project.devDb)).toBe(devDb);
      const now = fs.readFileSync(path.join(project.root, migration), 'utf8');
      // Re-parented by the time the proof runs: only its two lines differ from what was committed.
      expect(now.split('\n').filter((line, i) => line !== original.split('\n')[i])).toHaveLength(2);
      expect(fs.readdirSync(path.dirname(path.join(project.root, migration))).filter((f) => f.endsWith('.devdb-tmp'))).toEqual([]);
      await git(project.root, 'checkout', '--', migration);
    });
  }

  it('after an interrupted rebase, the next one says the migration has nothing left to move and how to prove it', async () => {
    const stopped = await stopAt(['rebase'], { at: starts('upgrade'), delayMs: 0 }, 'SIGINT', { cwd: project.root, env: {} });
    expect(stopped.exitCode, stopped.output).toBe(130);
    const again = await run('rebase');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('is the only head already, so there is nothing to move; if a rebase of it was interrupted, prove it with devdb verify.');
    await git(project.root, 'checkout', '--', migration);
  });

  it('then rebase moves the migration and proves it', async () => {
    const rebased = await run('rebase', '--json');
    expect(rebased.exitCode, rebased.stdout).toBe(0);
    expect(JSON.parse(rebased.stdout)).toMatchObject({ ok: true, moved: true, verify: { ok: true } });
  });
});
