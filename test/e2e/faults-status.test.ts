import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, sha256, starts, type AlembicProject } from '../support/devdb.js';
import { stopAndCheck, type StopPoint } from '../support/faults.js';

// devdb status --drift builds the model database (it writes devdb's throwaway, never the
// development database), so it is stopped by SIGINT and SIGKILL at every step of that
// build: the development database is byte-identical, nothing left behind blocks the
// next run, which reports the drift.

let project: AlembicProject;
const tb = () => ({ root: project.root, devDb: project.devDb, env: {} });

const DRIFT_POINTS: StopPoint[] = ['make-config', 'point-db', 'drop-db', 'model-db'].map((id) => ({ at: starts(id), delayMs: 0 })).concat([{ at: starts('model-db'), delayMs: 300 }]);

beforeAll(async () => {
  project = await alembicProject();
  const init = await devdb(['init', '--yes', '--python', project.python], { cwd: project.root });
  expect(init.exitCode, init.stderr).toBe(0);
  const models = path.join(project.root, 'app', 'models.py');
  fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    title = Column(String(80), nullable=True)\n'));
}, 120_000);

describe('devdb status --drift stopped at every step of the model database', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(DRIFT_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      const devDb = sha256(project.devDb);
      await stopAndCheck(['status', '--drift'], point, signal, tb());
      expect(sha256(project.devDb)).toBe(devDb);
    });
  }

  it('then status --drift reports the model change', async () => {
    const { exitCode, stdout, stderr } = await devdb(['status', '--drift', '--json'], { cwd: project.root });
    expect(exitCode, stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(stdout).drift)).toContain('notes.title');
  });
});
