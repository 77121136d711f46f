import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { expect } from 'vitest';
import { CLI, devdb, sha256, starts } from './devdb.js';

/** A devdb run in the background, without a TTY, whose output can be waited on line by line. */
export interface Running {
  child: ResultPromise;
  pid: number;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects if the run ends first. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Exit code (signal deaths are -1) and both streams. */
  done(): Promise<{ exitCode: number; signal: string | undefined; stdout: string; stderr: string }>;
}

export function start(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Running {
  const child = execa('node', [CLI, ...args], { cwd: options.cwd, env: { NO_COLOR: '1', ...options.env }, reject: false, stdin: 'ignore', all: true, buffer: true });
  let all = '';
  let ended = false;
  const listeners = new Set<() => void>();
  child.all?.on('data', (chunk: Buffer) => {
    all += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  const finished = child.then((result) => {
    ended = true;
    for (const listener of listeners) listener();
    return result;
  });
  return {
    child,
    pid: child.pid as number,
    output: () => all,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = (): boolean => (typeof pattern === 'string' ? all.includes(pattern) : pattern.test(all));
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${all}`)), timeoutMs);
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = (): void => {
          if (matches()) finish();
          else if (ended) finish(new Error(`the run ended before ${String(pattern)} appeared; output:\n${all}`));
        };
        listeners.add(check);
        check();
      }),
    done: async () => {
      const result = await finished;
      return { exitCode: result.exitCode ?? -1, signal: result.signal ?? undefined, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
  };
}

/** Every table's rows, sorted, and the schema: what a database holds, whatever its bytes. */
export async function dbContent(file: string): Promise<Record<string, unknown>> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { readonly: true });
  try {
    const objects = db.prepare("select type, name, sql from sqlite_master where name not like 'sqlite_%' order by type, name").all() as { type: string; name: string; sql: string }[];
    const content: Record<string, unknown> = { schema: objects };
    for (const { name } of objects.filter((o) => o.type === 'table')) {
      content[name] = (db.prepare(`select * from "${name}"`).all() as unknown[]).map((row) => JSON.stringify(row)).sort();
    }
    return content;
  } finally {
    db.close();
  }
}

/** Waits until no process runs in `root` any more: tools a SIGKILLed devdb had started finish on their own. */
export async function orphansGone(root: string, timeoutMs = 20_000): Promise<void> {
  const busy = (): boolean =>
    fs.readdirSync('/proc').some((pid) => {
      if (!/^\d+$/.test(pid)) return false;
      try {
        return fs.readlinkSync(`/proc/${pid}/cwd`) === root;
      } catch {
        return false;
      }
    });
  for (const started = Date.now(); busy(); ) {
    if (Date.now() - started > timeoutMs) throw new Error(`processes still running in ${root} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** A stop at a point of a run: when `at` appears in its output (a step's start, see starts), plus `delayMs`. */
export interface StopPoint {
  at: string;
  delayMs: number;
}

/** The round trip's steps as their progress lines start, in order: where cycle, verify and apply stop after the model database. */
export const ROUND_TRIP_POINTS = ['lint', 'seed-rows', 'upgrade', 'downgrade', 'reupgrade', 'rows', 'values'].map(starts);

/** Runs devdb and sends `signal` at the stop point; the run's result and everything it printed. */
export async function stopAt(args: string[], point: StopPoint, signal: 'SIGINT' | 'SIGKILL', options: { cwd: string; env: Record<string, string> }) {
  const running = start(args, options);
  let reached = true;
  try {
    await running.waitFor(point.at);
  } catch {
    reached = false; // the run ended (or failed) before the point
  }
  if (reached && point.delayMs > 0) await sleep(point.delayMs);
  try {
    process.kill(running.pid, signal);
  } catch {
    // already gone
  }
  const result = await running.done();
  if (signal === 'SIGKILL') await orphansGone(options.cwd);
  return { ...result, reached, output: running.output() };
}

/** Leftovers an interrupted run must not leave: the lock, working copies, half-restored databases. */
export function leftovers(root: string): string[] {
  const found: string[] = [];
  const state = path.join(root, '.devdb');
  for (const name of ['lock', 'lock.takeover', 'work']) if (fs.existsSync(path.join(state, name))) found.push(`.devdb/${name}`);
  for (const name of fs.readdirSync(root)) if (name.endsWith('.devdb-restore')) found.push(name);
  return found;
}

/** The snapshot id the apply step's progress line names ("snapshot 20261126T005814123Z-7ba0d2cad930"). */
export const SNAPSHOT = /snapshot (\d{8}T\d{9}Z-[0-9a-z]+)/;

/**
 * Stops `args` at `point` and checks the promise: the development database is as it was,
 * or the output names the restore command, which brings it back; and the Ctrl-C line.
 */
/**
 * Whether a stopped run had finished before the signal could stop it: it exited 0, or a SIGINT
 * landed while Node was already exiting, after the run printed its outcome, met no handler any
 * more and ended the process by its default action.
 */
export function ranToTheEnd(stopped: { exitCode: number; signal: string | undefined; stdout: string; stderr: string }): boolean {
  if (stopped.exitCode === 0) return true;
  const outcome = (stopped.stdout.trimEnd().split('\n').at(-1) ?? '').startsWith('devdb');
  return stopped.signal === 'SIGINT' && outcome && !stopped.stderr.includes('devdb: Interrupted');
}

export async function stopAndCheck(args: string[], point: StopPoint, signal: 'SIGINT' | 'SIGKILL', tb: { root: string; devDb: string; env: Record<string, string> }) {
  const before = { sha: sha256(tb.devDb), content: await dbContent(tb.devDb) };
  const stopped = await stopAt(args, point, signal, { cwd: tb.root, env: tb.env });
  expect(stopped.reached, stopped.output).toBe(true);
  const finished = ranToTheEnd(stopped); // the signal came after the last step
  if (!finished && signal === 'SIGINT') {
    expect(stopped.exitCode, stopped.output).toBe(130);
    const lines = stopped.stderr.trim().split('\n');
    expect(lines, stopped.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^devdb: Interrupted \(SIGINT\)( during ".+")?: (cleaned up: .*released the lock|nothing to clean up); the development database (is untouched|may have been changed: to put it back as it was before this run, run "devdb snapshot restore \S+")\.$/);
    expect(leftovers(tb.root)).toEqual([]);
  }
  if (!finished && signal === 'SIGKILL') expect(stopped.signal).toBe('SIGKILL');
  if (sha256(tb.devDb) !== before.sha) {
    // Named by the Ctrl-C line, or (SIGKILL, or a run that finished) by the apply step's progress line.
    const named = /run "devdb snapshot restore (\S+)"/.exec(stopped.stderr)?.[1] ?? SNAPSHOT.exec(stopped.stdout)?.[1];
    expect(named, `the development database changed and the output names no snapshot:\n${stopped.output}`).toBeDefined();
    const restored = await devdb(['snapshot', 'restore', named as string], { cwd: tb.root, env: tb.env });
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await dbContent(tb.devDb)).toEqual(before.content);
  }
  return stopped;
}

