import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addLine, alembicProject, devdb, query, starts, type AlembicProject } from '../support/devdb.js';
import { leftovers, ROUND_TRIP_POINTS, stopAndCheck, type StopPoint } from '../support/faults.js';

// devdb apply stopped by SIGINT and by SIGKILL at every step boundary and inside the
// Python steps, on a draft cycle --no-apply wrote: after each stop the development
// database is byte-identical, or the output names the snapshot that puts it back (and
// restoring it does); nothing left behind blocks the next run, which applies the draft.

let project: AlembicProject & { env: Record<string, string> };
let draft: string;
const run = (...args: string[]) => devdb(args, { cwd: project.root });

const APPLY_POINTS: StopPoint[] = [...['find-newest', 'point-db', 'base-db', 'drop-db', 'model-db'].map(starts), ...ROUND_TRIP_POINTS, starts('apply')]
  .map((at) => ({ at, delayMs: 0 }))
  .concat([
    { at: starts('model-db'), delayMs: 300 },
    { at: starts('apply'), delayMs: 150 },
  ]);

beforeAll(async () => {
  project = { ...(await alembicProject()), env: {} };
  expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
  addLine(project.root, 'app/models.py', '    body = Column(String(200))\n', '    title = Column(String(80), nullable=True)');
  const cycle = await run('cycle', '--json', '--no-apply', '-m', 'notes: add title');
  expect(cycle.exitCode, cycle.stdout).toBe(0);
  draft = JSON.parse(cycle.stdout).revision;
});

describe('devdb apply stopped at every step', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(APPLY_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      await stopAndCheck(['apply'], point, signal, project);
    });
  }

  it('then apply succeeds: the draft is applied once, nothing is left behind', async () => {
    const { exitCode, stdout, stderr } = await run('apply');
    expect(exitCode, stdout + stderr).toBe(0);
    expect(await query(project.devDb, 'select version_num from alembic_version')).toEqual([{ version_num: draft }]);
    expect(fs.readdirSync(path.join(project.root, 'migrations', 'versions')).filter((f) => f.endsWith('.py'))).toHaveLength(2);
    expect(leftovers(project.root).filter((f) => f !== '.devdb/work')).toEqual([]);
    const again = await run('apply');
    expect(again.exitCode).toBe(2);
    expect(again.stderr.trim()).toMatch(/^devdb: dev\.db is at \w+ already, the newest migration .*; there is nothing to apply/);
  });
});
