import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, sha256, type Testbed } from '../support/devdb.js';
import { ROUND_TRIP_POINTS, stopAndCheck, type StopPoint } from '../support/faults.js';

// devdb verify stopped by SIGINT and by SIGKILL at every step boundary and inside the
// Python steps: the development database is byte-identical (verify never writes it),
// nothing left behind blocks the next run, which succeeds.

let tb: Testbed & { env: Record<string, string> };
const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });

// Titles are fixed when the list is built: the base step reads "Copy the development database…" even when it copies a snapshot.
const VERIFY_POINTS: StopPoint[] = [
  '❯ Find the newest migration',
  '❯ point-db',
  '❯ Copy',
  '❯ drop-db',
  '❯ Rebuild temp.db from the models',
  ...ROUND_TRIP_POINTS,
]
  .map((at) => ({ at, delayMs: 0 }))
  .concat([
    { at: '❯ Find the newest migration', delayMs: 250 },
    { at: '❯ Rebuild temp.db from the models', delayMs: 600 },
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
