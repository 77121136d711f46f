import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'fs-extra';
import { stopChildren } from './children.js';
import type { Context } from './context.js';
import { EXIT } from './errors.js';
import { listSnapshots } from './engines/snapshots.js';
import { describeTarget } from './engines/url.js';
import { dropOwned } from './engines/ownership.js';
import { versionsFolder } from './config/project-files.js';
import type { Lock } from './lock.js';
import { dropServerWork } from './steps/drop-db.js';

// Ctrl-C (SIGINT), SIGTERM and SIGHUP stop a run cleanly: the tools devdb started are
// stopped, the files the interrupted step was making are removed, the lock is released,
// and one line says what was cleaned up and whether the development database changed,
// with the command that puts it back if it did. Exit code 130. A step that outlives
// --timeout (DEVDB_TIMEOUT) is stopped the same way, with exit code 1 and its name.

interface Run {
  command: string;
  json: boolean;
  startedAt: Date;
  lock?: Lock;
  ctx?: Context;
  /** The running step; for make-config, the throwaway INI's inode when it started; for autogenerate, the scripts there were. */
  step?: { id: string; title: string; ini?: number | undefined; versions?: Promise<string[]> };
}

/** What stopped the run: a signal, or a step that outlived --timeout SECONDS. */
type Cause = { signal: NodeJS.Signals } | { timeout: number };

let run: Run | undefined;
let interrupting: Promise<never> | undefined;
let stepTimeout: number | undefined;

/** --timeout SECONDS: how long any one step may run before it is stopped (undefined: no bound). */
export function setStepTimeout(seconds: number | undefined): void {
  stepTimeout = seconds;
}

/**
 * Starts the clock of a step; it returns what stops the clock. A step still running
 * after --timeout seconds is stopped as Ctrl-C would stop it, and the run exits 1.
 */
export function stepClock(): () => void {
  if (stepTimeout === undefined) return () => undefined;
  const seconds = stepTimeout;
  const timer = setTimeout(() => stop({ timeout: seconds }, EXIT.failed), seconds * 1000);
  return () => clearTimeout(timer);
}

/** Starts watching for interruptions of this run. */
export function beginRun(command: string, json: boolean): void {
  run = { command, json, startedAt: new Date() };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));
}

/** The lock this run holds, to release on interruption. */
export function holdLock(lock: Lock): void {
  if (run) run.lock = lock;
}

/** The project this run works on, once it is loaded. */
export function watchContext(ctx: Context): void {
  if (run) run.ctx = ctx;
}

/** Which step is running now (undefined between steps). */
export function stepStarted(ctx: Context, step: { id: string; title: string } | undefined): void {
  if (!run) return;
  run.ctx = ctx;
  if (!step) run.step = undefined;
  else if (step.id === 'autogenerate') run.step = { ...step, versions: scripts(ctx) };
  else if (step.id === 'make-config') run.step = { ...step, ini: inode(ctx.throwawayIni) };
  else run.step = { ...step };
}

/** Resolves at once, unless the run is being interrupted: then never (the process exits with 130). */
export function unlessInterrupted(): Promise<void> {
  return interrupting ?? Promise.resolve();
}

const inode = (file: string): number | undefined => fs.statSync(file, { throwIfNoEntry: false })?.ino;

/** The migration scripts in the versions folder, absolute paths. */
async function scripts(ctx: Context): Promise<string[]> {
  try {
    const folder = path.join(ctx.root, await versionsFolder(ctx.config, ctx.root));
    return (await fs.readdir(folder)).filter((f) => f.endsWith('.py')).map((f) => path.join(folder, f));
  } catch {
    return [];
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (interrupting) {
    // A second Ctrl-C: stop now; the lock goes with the process.
    run?.lock?.release();
    process.exit(EXIT.interrupted);
  }
  stop({ signal }, EXIT.interrupted);
}

function stop(cause: Cause, exitCode: number): void {
  if (interrupting) return;
  interrupting = cleanUp(cause, run?.step).then(
    () => process.exit(exitCode),
    (error: unknown) => {
      run?.lock?.release();
      process.stderr.write(`devdb: stopped, but cleaning up failed (${error instanceof Error ? error.message : String(error)}); delete .devdb/work if it is there and run again.\n`);
      process.exit(exitCode);
    },
  );
}

/** Waits, up to 3 s, for the interrupted step to give up (its tools are gone), so nothing writes while devdb cleans up. */
async function stepEnded(): Promise<void> {
  for (let waited = 0; run?.step && waited < 3000; waited += 20) await sleep(20);
}

async function cleanUp(cause: Cause, step: Run['step']): Promise<void> {
  const cleaned: string[] = [];
  // One action that fails is said, never the end of the clean-up: the lock is released and the line printed whatever happens.
  const attempt = async (what: string, action: () => Promise<void>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      cleaned.push(`could not ${what} (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  await attempt('stop the tools devdb had started', async () => {
    const stopped = await stopChildren();
    if (stopped > 0) cleaned.push(`stopped ${stopped === 1 ? 'the tool' : `${stopped} tools`} devdb had started`);
  });
  await stepEnded();
  let restore: string | undefined;
  const ctx = run?.ctx;
  if (ctx) {
    const shown = (file: string): string => path.relative(ctx.root, file) || file;
    const work = path.join(ctx.stateDir, 'work');
    await attempt(`remove ${shown(work)}`, async () => {
      if (!(await fs.pathExists(work))) return;
      await fs.remove(work);
      cleaned.push(`removed ${shown(work)}`);
    });
    if ((step?.id === 'setup-db' || step?.id === 'model-db') && ctx.throwawayDb.file) {
      await attempt(`remove the half-built ${describeTarget(ctx.throwawayDb, ctx.root)}`, async () => {
        if ((await dropOwned(ctx.stateDir, ctx.throwawayDb)) === 'dropped') cleaned.push(`removed the half-built ${describeTarget(ctx.throwawayDb, ctx.root)} ("devdb reset" rebuilds it)`);
      });
    }
    // On a server, the round trip's databases go as they would at its end; reset's throwaway only if it was half-built.
    if (ctx.serverDatabase) {
      const targets = [ctx.serverDatabase('base'), ...(run?.command !== 'reset' || step?.id === 'setup-db' ? [ctx.throwawayDb] : [])];
      await attempt('drop the databases this run made on the server', async () => {
        const dropped = await dropServerWork(ctx, targets);
        if (dropped.length > 0) cleaned.push(`dropped ${dropped.join(', ')}`);
      });
    }
    // Only the INI the step was making: one that was there before it is the user's (make-config moves it to backups first).
    if (step?.id === 'make-config' && inode(ctx.throwawayIni) !== undefined && inode(ctx.throwawayIni) !== step.ini) {
      await attempt(`remove the half-made ${shown(ctx.throwawayIni)}`, async () => {
        await fs.remove(ctx.throwawayIni);
        cleaned.push(`removed the half-made ${shown(ctx.throwawayIni)}`);
      });
    }
    const versions = step?.versions;
    if (versions) {
      await attempt('remove the unfinished draft', async () => {
        const before = new Set(await versions);
        for (const file of await scripts(ctx)) {
          if (before.has(file)) continue;
          await fs.remove(file);
          cleaned.push(`removed the unfinished draft ${shown(file)}`);
        }
      });
    }
    if (ctx.devDb.file) {
      await attempt('list the snapshots this run took', async () => {
        // Every write to the development database follows a snapshot of it: the first one this run took is how it was before.
        const taken = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => new Date(s.createdAt) >= (run as Run).startedAt);
        if (taken[0]) restore = `devdb snapshot restore ${taken[0].id}`;
      });
    }
  }
  run?.lock?.release();
  if (run?.lock) cleaned.push('released the lock');
  const database = !ctx
    ? 'nothing was changed'
    : restore
      ? `the development database may have been changed: to put it back as it was before this run, run "${restore}"`
      : 'the development database is untouched';
  const signal = 'signal' in cause ? cause.signal : null;
  const timeout = 'timeout' in cause ? cause.timeout : null;
  const what = signal ? `Interrupted (${signal})${step ? ` during "${step.title}"` : ''}` : `"${step?.title ?? 'The run'}" did not finish within --timeout ${timeout} s and was stopped`;
  const line = `${what}: ${cleaned.length > 0 ? `cleaned up: ${cleaned.join('; ')}` : 'nothing to clean up'}; ${database}.`;
  if (run?.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, command: run.command, interrupted: true, signal, timeout, step: step?.id ?? null, cleanedUp: cleaned, restore: restore ?? null }, null, 2)}\n`);
  }
  process.stderr.write(`devdb: ${line}\n`);
}
