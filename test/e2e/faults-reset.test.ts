import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, kallitheaTestbed, query, quotedTitle, sha256, starts, type Testbed } from '../support/devdb.js';
import { leftovers, start, stopAt, type StopPoint } from '../support/faults.js';

// devdb reset stopped by SIGINT and by SIGKILL at every step boundary and inside its
// Python steps: the development database is byte-identical, nothing left behind blocks
// the next run, and the next run succeeds.

let tb: Testbed & { env: Record<string, string> };
const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });

// --fresh-config, so that make-config runs its Python tool too; --no-cache, so that setup-db and repo-scan run theirs.
// repo-scan runs in devdb's Python helper in tens of milliseconds, so it is stopped at its start only.
const ARGS = ['reset', '--fresh-config', '--no-cache'];
const POINTS: StopPoint[] = [
  { at: starts('make-config'), delayMs: 0 },
  { at: starts('make-config'), delayMs: 400 },
  { at: starts('point-db'), delayMs: 0 },
  { at: starts('drop-db'), delayMs: 0 },
  { at: starts('setup-db'), delayMs: 0 },
  { at: starts('setup-db'), delayMs: 500 },
  { at: starts('repo-scan'), delayMs: 0 },
];

beforeAll(async () => {
  tb = await kallitheaTestbed();
  expect((await run('reset')).exitCode).toBe(0);
});

describe.each(['SIGINT', 'SIGKILL'] as const)('devdb reset stopped by %s', (signal) => {
  it.each(POINTS)(`$delayMs ms after $at: the development database is byte-identical and the next reset succeeds`, async (point) => {
    const devDb = sha256(tb.devDb);
    const stopped = await stopAt(ARGS, point, signal, { cwd: tb.root, env: tb.env });
    expect(stopped.reached, stopped.output).toBe(true);
    if (signal === 'SIGINT') {
      expect(stopped.exitCode, stopped.output).toBe(130);
      const lines = stopped.stderr.trim().split('\n');
      expect(lines, stopped.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^devdb: Interrupted \(SIGINT\)( during "[^"]+")?: (cleaned up: .*released the lock|nothing to clean up); the development database is untouched\.$/);
      expect(leftovers(tb.root)).toEqual([]);
    } else {
      expect(stopped.signal).toBe('SIGKILL');
    }
    expect(sha256(tb.devDb)).toBe(devDb);
    const again = await run('reset');
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect(leftovers(tb.root)).toEqual([]);
    const users = await query<{ username: string }>(path.join(tb.root, 'temp.db'), 'select username from users');
    expect(users.map((u) => u.username)).toContain('admin');
    expect(sha256(tb.devDb)).toBe(devDb);
  });
});

describe('Ctrl-C says what it cleaned up', () => {
  it('during setup-db: the tool is stopped, the half-built throwaway database removed, the lock released', async () => {
    const running = start(['reset', '--no-cache'], { cwd: tb.root, env: tb.env });
    await running.waitFor(starts('setup-db'));
    // Stopped once db-create has begun writing temp.db, however long Kallithea takes to import.
    const temp = path.join(tb.root, 'temp.db');
    for (let waited = 0; !fs.existsSync(temp) && waited < 20_000; waited += 10) await sleep(10);
    process.kill(running.pid, 'SIGINT');
    const stopped = await running.done();
    expect(stopped.exitCode).toBe(130);
    expect(stopped.stderr).toContain('cleaned up: stopped the tool devdb had started; removed the half-built temp.db ("devdb reset" rebuilds it); released the lock;');
    expect(fs.existsSync(temp)).toBe(false);
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s is handled like Ctrl-C', async (signal) => {
    const running = start(['reset', '--no-cache'], { cwd: tb.root, env: tb.env });
    await running.waitFor(starts('setup-db'));
    await sleep(300);
    process.kill(running.pid, signal);
    const { exitCode, stderr } = await running.done();
    expect(exitCode).toBe(130);
    expect(stderr).toMatch(new RegExp(`^devdb: Interrupted \\(${signal}\\) during ${quotedTitle('setup-db')}: .*released the lock; the development database is untouched\\.$`, 'm'));
    expect(leftovers(tb.root)).toEqual([]);
  });

  it('with --json: one JSON object on stdout saying what was interrupted and cleaned up', async () => {
    const stopped = await stopAt(['reset', '--json', '--no-cache'], { at: '', delayMs: 900 }, 'SIGINT', { cwd: tb.root, env: tb.env });
    expect(stopped.exitCode).toBe(130);
    const report = JSON.parse(stopped.stdout);
    expect(report).toMatchObject({ ok: false, command: 'reset', interrupted: true, signal: 'SIGINT', restore: null });
    expect(report.cleanedUp).toEqual(expect.any(Array));
  });
});
