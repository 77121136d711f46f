import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'fs-extra';
import { stopChildren } from './children.js';
import type { Context } from './context.js';
import { EXIT } from './errors.js';
import type { Lock } from './lock.js';
import type { CleanUp, Step } from './steps/step.js';

// Ctrl-C (SIGINT), SIGTERM and SIGHUP stop a run cleanly: the tools devdb started are
// stopped, what the interrupted steps were making is removed (their cleanUp: one step per
// engine runs at a time, and engines may run side by side), the lock is released,
// and one line says what was cleaned up and whether the development database changed,
// with the command that puts it back if it did. Exit code 130. A step that outlives
// --timeout (DEVDB_TIMEOUT) is stopped the same way, with exit code 1 and its name.

/** A running step, with how to remove what it makes, as it said when it started. */
interface RunningStep {
  id: string;
  title: string;
  engine: string;
  cleanUp: CleanUp | undefined;
}

interface Run {
  command: string;
  json: boolean;
  startedAt: Date;
  lock?: Lock;
  /** The project's contexts this run works with, one per engine, in the order they were reached. */
  contexts: Context[];
  /** The step running in each context now. */
  steps: Map<Context, RunningStep>;
}

/** What stopped the run: a signal, or a step that outlived --timeout SECONDS. */
type Cause = { signal: NodeJS.Signals } | { timeout: number; step: RunningStep | undefined };

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
export function stepClock(ctx: Context): () => void {
  if (stepTimeout === undefined) return () => undefined;
  const seconds = stepTimeout;
  const timer = setTimeout(() => stop({ timeout: seconds, step: run?.steps.get(ctx) }, EXIT.failed), seconds * 1000);
  return () => clearTimeout(timer);
}

/** Starts watching for interruptions of this run. */
export function beginRun(command: string, json: boolean): void {
  run = { command, json, startedAt: new Date(), contexts: [], steps: new Map() };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));
}

/** The lock this run holds, to release on interruption. */
export function holdLock(lock: Lock): void {
  if (run) run.lock = lock;
}

/** The project this run works on, once it is loaded (one context per engine it reaches). */
export function watchContext(ctx: Context): void {
  if (run && !run.contexts.includes(ctx)) run.contexts.push(ctx);
}

/** Which step is running now in `ctx`, with its title as shown (undefined between steps). */
export function stepStarted<C extends Context>(ctx: C, running: { step: Step<C>; title: string } | undefined): void {
  if (!run) return;
  watchContext(ctx);
  if (running) run.steps.set(ctx, { id: running.step.id, title: running.title, engine: ctx.engine, cleanUp: running.step.cleanUp?.(ctx) });
  else run.steps.delete(ctx);
}

/** Resolves at once, unless the run is being interrupted: then never (the process exits with 130). */
export function unlessInterrupted(): Promise<void> {
  return interrupting ?? Promise.resolve();
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
  interrupting = cleanUp(cause, [...(run?.steps.values() ?? [])]).then(
    () => process.exit(exitCode),
    (error: unknown) => {
      run?.lock?.release();
      process.stderr.write(`devdb: stopped, but cleaning up failed (${error instanceof Error ? error.message : String(error)}); delete .devdb/work if it is there and run again.\n`);
      process.exit(exitCode);
    },
  );
}

/** Waits, up to 3 s, for the interrupted steps to give up (their tools are gone), so nothing writes while devdb cleans up. */
async function stepsEnded(): Promise<void> {
  for (let waited = 0; run && run.steps.size > 0 && waited < 3000; waited += 20) await sleep(20);
}

/** The steps the line names: the one that timed out, or every one running, each with its engine when engines ran side by side. */
function during(steps: RunningStep[]): string {
  const several = new Set(steps.map((s) => s.engine)).size > 1;
  return steps.map((s) => `"${s.title}"${several ? ` on ${s.engine}` : ''}`).join(' and ');
}

async function cleanUp(cause: Cause, running: RunningStep[]): Promise<void> {
  const cleaned: string[] = [];
  // One action that fails is said, never the end of the clean-up: the lock is released and the line printed whatever happens.
  const attempt = async ({ what, remove }: CleanUp): Promise<void> => {
    try {
      await remove((line) => cleaned.push(line));
    } catch (error) {
      cleaned.push(`could not ${what} (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  await attempt({
    what: 'stop the tools devdb had started',
    remove: async (done) => {
      const stopped = await stopChildren();
      if (stopped > 0) done(`stopped ${stopped === 1 ? 'the tool' : `${stopped} tools`} devdb had started`);
    },
  });
  await stepsEnded();
  let restore: string | undefined;
  const contexts = run?.contexts ?? [];
  const ctx = contexts[0];
  if (ctx) {
    // Only a run that made a context has anything of these to clean: a read-only command does not load them.
    const [{ shown }, { dropOnServer }, { listSnapshots }] = await Promise.all([import('./steps/step.js'), import('./steps/shared/databases.js'), import('./engines/snapshots.js')]);
    const work = path.join(ctx.stateDir, 'work');
    await attempt({
      what: `remove ${shown(ctx, work)}`,
      remove: async (done) => {
        if (!(await fs.pathExists(work))) return;
        await fs.remove(work);
        done(`removed ${shown(ctx, work)}`);
      },
    });
    // On a server, the round trip's databases go as they would at its end; reset's throwaway is the step's to drop, if it was making it.
    for (const each of contexts) {
      if (each.serverDatabase) await attempt(dropOnServer(each, [each.serverDatabase('base'), ...(run?.command !== 'reset' ? [each.throwawayDb] : [])]));
    }
    for (const step of running) if (step.cleanUp) await attempt(step.cleanUp);
    if (ctx.devDb.file) {
      await attempt({
        what: 'list the snapshots this run took',
        remove: async () => {
          // Every write to the development database follows a snapshot of it: the first one this run took is how it was before.
          // devdb branch save only copies the development database: its snapshot is no sign of a write.
          const taken = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => new Date(s.createdAt) >= (run as Run).startedAt && (run as Run).command !== 'branch save');
          if (taken[0]) restore = `devdb snapshot restore ${taken[0].id}`;
        },
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
  const overdue = 'timeout' in cause ? cause.step : undefined;
  const what = signal ? `Interrupted (${signal})${running.length > 0 ? ` during ${during(running)}` : ''}` : `${overdue ? during([overdue]) : 'The run'} did not finish within --timeout ${timeout} s and was stopped`;
  const line = `${what}: ${cleaned.length > 0 ? `cleaned up: ${cleaned.join('; ')}` : 'nothing to clean up'}; ${database}.`;
  if (run?.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, command: run.command, interrupted: true, signal, timeout, step: (overdue ?? running[0])?.id ?? null, cleanedUp: cleaned, restore: restore ?? null }, null, 2)}\n`);
  }
  process.stderr.write(`devdb: ${line}\n`);
}
