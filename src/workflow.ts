import { performance } from 'node:perf_hooks';
import { Listr, ListrLogger, PRESET_TIMER } from 'listr2';
import type { Context } from './context.js';
import { stepClock, stepStarted, watchContext } from './interrupt.js';
import type { Step } from './steps/step.js';

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  ms: number;
  reason?: string;
}

export interface RenderOptions {
  json: boolean;
  verbose: boolean;
}

/** How often a step that runs on says so when there is no TTY (listr2 shows a running step's time on one). */
const STILL_RUNNING_MS = 10_000;

export interface StepsResult {
  records: StepRecord[];
  /** The first step's error; the steps after it did not run. */
  error?: unknown;
}

/**
 * Runs steps as one listr2 list, in order, stopping at the first failure. Each step's
 * status and time are recorded for the report, failure or not.
 */
export async function runSteps<C extends Context>(steps: Step<C>[], ctx: C, render: RenderOptions): Promise<StepsResult> {
  const records: StepRecord[] = [];
  // Known before the first title prints: a signal while a step decides whether to skip still reports on this project.
  watchContext(ctx);
  const enabled = steps.filter((step) => step.enabled?.(ctx) ?? true);
  // A step may change what later ones do (verify's first step picks the base: a snapshot, the committed code), so their titles are read again before they start.
  const retitle = (from: number): void => {
    enabled.slice(from).forEach((later, offset) => {
      const task = list.tasks[from + offset];
      const title = later.title(ctx);
      if (task && task.title !== title) task.title$ = title;
    });
  };
  const list = new Listr(
    enabled.map((step, index) => ({
      title: step.title(ctx),
      rendererOptions: { outputBar: render.verbose ? Infinity : false, persistentOutput: render.verbose },
      task: async (_: unknown, task: { output: string; skip: (message?: string) => void; title: string }) => {
        const started = performance.now();
        const record: StepRecord = { id: step.id, title: step.title(ctx), status: 'passed', ms: 0 };
        records.push(record);
        try {
          const reason = step.skip ? await step.skip(ctx) : false;
          if (reason) {
            record.status = 'skipped';
            record.reason = reason;
            task.skip(reason);
            return;
          }
          stepStarted(ctx, { step, title: record.title });
          const stopClock = stepClock();
          // Plain lines (CI, hooks): a long migration would otherwise be silence.
          const ticker = render.json || process.stdout.isTTY ? undefined : setInterval(() => (task.output = `still running (${Math.round((performance.now() - started) / 1000)} s)`), STILL_RUNNING_MS);
          try {
            await step.run(ctx, { output: (line) => (task.output = line) });
          } finally {
            stopClock();
            clearInterval(ticker);
          }
        } catch (error) {
          record.status = 'failed';
          throw error;
        } finally {
          stepStarted(ctx, undefined);
          record.ms = Math.round(performance.now() - started);
          retitle(index + 1);
        }
      },
    })),
    {
      renderer: render.json ? 'silent' : 'default',
      fallbackRenderer: render.json ? 'silent' : 'simple',
      rendererOptions: { timer: PRESET_TIMER, collapseSkips: false, showErrorMessage: false },
      // Progress, failed steps included, goes to stdout; stderr carries only devdb's one-sentence error.
      fallbackRendererOptions: { timer: PRESET_TIMER, logger: new ListrLogger({ useIcons: true, toStderr: [] }) },
      exitOnError: true,
      registerSignalListeners: false,
    },
  );
  try {
    await list.run();
    return { records };
  } catch (error) {
    return { records, error };
  }
}

/** The plan of every step, for --dry-run: each step's title and what it would do. */
export async function planSteps<C extends Context>(steps: Step<C>[], ctx: C): Promise<{ id: string; title: string; plan: string[] }[]> {
  const plans = [];
  for (const step of steps.filter((s) => s.enabled?.(ctx) ?? true)) plans.push({ id: step.id, title: step.title(ctx), plan: await step.plan(ctx) });
  return plans;
}
