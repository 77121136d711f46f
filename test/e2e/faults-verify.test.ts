import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, sha256, starts, type Testbed } from '../support/devdb.js';
import { ROUND_TRIP_POINTS, stopAndCheck, type StopPoint } from '../support/faults.js';

// devdb verify stopped by SIGINT and by SIGKILL at every step boundary and inside the
// Python steps: the development database is byte-identical (verify never writes it),
// nothing left behind blocks the next run, which succeeds.

let tb: Testbed & { env: Record<string, string> };
const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });

const VERIFY_POINTS: StopPoint[] = [...['find-newest', 'point-db', 'base-db', 'drop-db', 'model-db'].map(starts), ...ROUND_TRIP_POINTS]
  .map((at) => ({ at, delayMs: 0 }))
  .concat([
    { at: starts('find-newest'), delayMs: 250 },
    { at: starts('model-db'), delayMs: 600 },
  ]);

beforeAll(async () => {
  tb = await kallitheaTestbed();
  editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    note = Column(Unicode(255), nullable=True)');
  const cycle = await run('cycle', '-m', 'repositories: add note');
  expect(cycle.exitCode, cycle.stderr).toBe(0);
});

describe('devdb verify stopped at every step', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(VERIFY_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      const devDb = sha256(tb.devDb);
      await stopAndCheck(['verify'], point, signal, tb);
      expect(sha256(tb.devDb)).toBe(devDb);
    });
  }

  it('then verify succeeds', async () => {
    const { exitCode, stdout, stderr } = await run('verify');
    expect(exitCode, stdout + stderr).toBe(0);
  });
});

// The stairway writes only devdb's own base database, on one helper, revision by revision.
const STAIRWAY_POINTS: StopPoint[] = [...['find-chain', 'start-db', 'stair'].map((id) => ({ at: starts(id), delayMs: 0 })), { at: starts('stair'), delayMs: 400 }];

describe('devdb verify --all stopped at every step of the walk', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(STAIRWAY_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      const devDb = sha256(tb.devDb);
      await stopAndCheck(['verify', '--all'], point, signal, tb);
      expect(sha256(tb.devDb)).toBe(devDb);
    });
  }

  it('then verify --all walks the chain', async () => {
    const { exitCode, stdout, stderr } = await run('verify', '--all');
    expect(exitCode, stdout + stderr).toBe(0);
  });
});
