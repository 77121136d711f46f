import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, kallitheaTestbed, sha256, type Testbed } from '../support/devdb.js';
import { start } from '../support/faults.js';

// Two devdb runs on one project: the second waits with a message or refuses clearly,
// never writes the same databases at the same time; a lock left by a dead process is taken over.

let tb: Testbed & { env: Record<string, string> };
let lock: string;
const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });

/** A lock held by a process that is alive (this test's own), as another devdb run would leave it. */
const holdLock = (command: string, pid = process.pid, hostname = os.hostname()): void =>
  fs.writeFileSync(lock, JSON.stringify({ pid, command, startedAt: new Date().toISOString(), hostname }));

beforeAll(async () => {
  tb = await kallitheaTestbed();
  lock = path.join(tb.root, '.devdb', 'lock');
  expect((await run('reset')).exitCode).toBe(0);
});

describe('devdb runs on the same project at once', () => {
  it('a second run waits for the first with one message naming it, then runs; the two never overlap', async () => {
    const first = start(['reset', '--no-cache'], { cwd: tb.root, env: tb.env });
    await first.waitFor('setup-db');
    const holder = JSON.parse(fs.readFileSync(lock, 'utf8'));
    expect(holder).toMatchObject({ pid: first.pid, command: 'reset', hostname: os.hostname() });
    const second = start(['reset'], { cwd: tb.root, env: tb.env });
    await second.waitFor('waiting for devdb reset');
    const a = await first.done();
    const b = await second.done();
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    expect(b.stderr.match(/waiting for/g)).toHaveLength(1);
    expect(b.stderr).toContain(`waiting for devdb reset (pid ${first.pid}, started `);
    // The second started its steps only after the first had finished.
    expect(second.output().indexOf('make-config')).toBeGreaterThan(second.output().indexOf('waiting for'));
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('the pre-commit hook (check --verify) during a cycle refuses after --wait, naming the run, and changes nothing', async () => {
    holdLock('cycle');
    const devDb = sha256(tb.devDb);
    const started = Date.now();
    const { exitCode, stderr, stdout } = await run('check', '--verify', '--wait', '1');
    expect(exitCode).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(stderr).toContain(`waiting for devdb cycle (pid ${process.pid}`);
    expect(stderr).toMatch(new RegExp(`devdb: devdb cycle \\(pid ${process.pid}, started .*\\) is still working on this project; wait for it to finish .*delete .*lock\\.`));
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(sha256(tb.devDb)).toBe(devDb);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    fs.rmSync(lock);
  });

  it('every command that writes takes the lock: reset, clean, cycle, verify, snapshot restore, check --verify', async () => {
    holdLock('reset');
    for (const args of [['reset'], ['clean'], ['cycle', '-m', 'x'], ['verify'], ['snapshot', 'restore', 'latest'], ['check', '--verify']]) {
      const { exitCode, stderr } = await run(...args, '--wait', '0');
      expect(exitCode, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toContain('is still working on this project');
    }
    fs.rmSync(lock);
  });

  it('commands that only read do not wait: snapshot list, hook status, check, --dry-run', async () => {
    holdLock('cycle');
    for (const args of [['snapshot', 'list'], ['hook', 'status'], ['check'], ['reset', '--dry-run'], ['cycle', '--dry-run', '-m', 'x']]) {
      const { exitCode, stderr } = await run(...args);
      expect(exitCode, `${args.join(' ')}: ${stderr}`).toBe(0);
      expect(stderr).not.toContain('waiting');
    }
    fs.rmSync(lock);
  });

  it('Ctrl-C while waiting: exit 130, nothing changed, the other run\'s lock left alone', async () => {
    holdLock('cycle');
    const waiting = start(['reset', '--wait', '20'], { cwd: tb.root, env: tb.env });
    await waiting.waitFor('waiting for devdb cycle');
    process.kill(waiting.pid, 'SIGINT');
    const { exitCode, stderr } = await waiting.done();
    expect(exitCode).toBe(130);
    expect(stderr).toContain('devdb: Interrupted (SIGINT): nothing to clean up; nothing was changed.');
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    fs.rmSync(lock);
  });

  it('a lock left by a dead process is taken over with a line saying so', async () => {
    const dead = start(['--version'], { cwd: tb.root });
    await dead.done();
    holdLock('cycle', dead.pid);
    const { exitCode, stderr } = await run('reset');
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain(`devdb: devdb cycle (pid ${dead.pid}, started `);
    expect(stderr).toContain('is no longer running; taking over its lock.');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('an unreadable lock file (half-written by hand, empty) is taken over', async () => {
    fs.writeFileSync(lock, '{"pid": 12');
    const { exitCode, stderr } = await run('reset', '--wait', '0');
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain('was unreadable; taking it over');
  });

  it('a lock from another host is never presumed dead', async () => {
    holdLock('cycle', 1, 'some-other-host');
    const { exitCode, stderr } = await run('reset', '--wait', '0');
    expect(exitCode).toBe(2);
    expect(stderr).toContain('devdb cycle (pid 1 on some-other-host, started');
    fs.rmSync(lock);
  });

  it('a failing run releases the lock too', async () => {
    const { exitCode } = await devdb(['verify'], { cwd: tb.root, env: { ...tb.env, DEVDB_ADMIN_PASSWORD: '' } });
    expect(exitCode).toBe(2);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('--wait and DEVDB_WAIT must be a number of seconds', async () => {
    const flag = await run('reset', '--wait', 'soon');
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr.trim()).toBe('devdb: --wait (or DEVDB_WAIT) is "soon"; give a number of seconds, such as 30 or 0.');
    const env = await devdb(['reset'], { cwd: tb.root, env: { ...tb.env, DEVDB_WAIT: '-1' } });
    expect(env.exitCode).toBe(2);
  });
});
