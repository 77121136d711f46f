import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, git, sha256, starts, tempDir, type AlembicProject } from '../support/devdb.js';
import { stopAndCheck, type StopPoint } from '../support/faults.js';

// devdb ci writes only devdb's own databases and the report files it is asked for.
// Stopped by SIGINT and SIGKILL at every step of its walk, the development database is
// byte-identical, nothing left behind blocks the next run, and that run passes with
// its reports written whole.

let project: AlembicProject;
const reports = tempDir('ci-faults');
const run = (...args: string[]) => devdb(args, { cwd: project.root });
const CI = ['ci', '--junit', path.join(reports, 'ci.xml'), '--sarif', path.join(reports, 'ci.sarif'), '--markdown', path.join(reports, 'ci.md')];

const CI_POINTS: StopPoint[] = ['find-chain', 'start-db', 'model-db', 'stair'].map((id) => ({ at: starts(id), delayMs: 0 })).concat([{ at: starts('stair'), delayMs: 300 }]);

beforeAll(async () => {
  project = await alembicProject();
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
  fs.appendFileSync(path.join(project.root, '.gitignore'), 'project.json\n');
  await git(project.root, 'branch', '-m', 'main');
  await git(project.root, 'add', '-A');
  await git(project.root, 'commit', '-q', '-m', 'devdb.json');
  await git(project.root, 'checkout', '-q', '-b', 'feature');
  const models = path.join(project.root, 'app', 'models.py');
  fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    title = Column(String(80), nullable=True)\n'));
  const cycled = await run('cycle', '--no-apply', '--base', 'vcs', '-m', 'notes: add title');
  expect(cycled.exitCode, cycled.stdout).toBe(0);
  await git(project.root, 'add', '-A');
  await git(project.root, 'commit', '-q', '-m', 'notes: add title');
}, 120_000);

describe('devdb ci stopped at every step of its walk', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(CI_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      const devDb = sha256(project.devDb);
      await stopAndCheck(CI, point, signal, { root: project.root, devDb: project.devDb, env: {} });
      expect(sha256(project.devDb)).toBe(devDb);
    });
  }

  it('then ci passes and writes its three reports whole', async () => {
    const result = await run(...CI);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(fs.readFileSync(path.join(reports, 'ci.xml'), 'utf8')).toMatch(/<\/testsuites>\s*$/);
    expect(JSON.parse(fs.readFileSync(path.join(reports, 'ci.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(fs.readFileSync(path.join(reports, 'ci.md'), 'utf8')).toContain('devdb ci');
  });
});
