import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Listr, ListrLogger, PRESET_TIMER, Spinner, type ListrTask } from 'listr2';
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
  /** The title of the loop's group the step ran in. */
  group: string;
}

export interface RenderOptions {
  json: boolean;
  verbose: boolean;
}

/** How often a step that runs on says so when there is no TTY (listr2 shows a running step's time on one). */
const STILL_RUNNING_MS = 10_000;

/**
 * One engine's share of a loop: its own context and the records of its steps, apart
 * from every other engine's, so that engines could run side by side. An engine whose
 * context is made only when the loop gets there (a server checked only once the
 * draft passed on the first engine) is opened by a hook just before its groups.
 */
export class EngineRun<C extends Context = Context> {
  readonly records: StepRecord[] = [];
  /** The first failed step's error: the engine's later groups do not run. */
  error?: unknown;
  private made: C | undefined;

  constructor(private readonly make: C | (() => Promise<C>)) {
    if (typeof make !== 'function') this.made = make;
  }

  get opened(): boolean {
    return this.made !== undefined;
  }

  get ctx(): C {
    if (!this.made) throw new Error('an engine run was used before it was opened');
    return this.made;
  }

  async open(): Promise<void> {
    if (!this.made && typeof this.make === 'function') this.made = await this.make();
  }
}

/** A titled branch of the loop: steps that run in order on one engine, stopping at the first failure. */
export interface Group<C extends Context = Context> {
  /** Its title, as the documented loop names this part ("Prove it on postgres"). */
  group: string;
  run: EngineRun<C>;
  /** A function when which steps run is decided only once the group is reached (reset: by the cache, keyed once the INI is final). */
  steps: Step<C>[] | (() => Step<C>[]);
  /** Asked when the group is reached, besides its engine having no failure; a group left out prints nothing. */
  when?: () => boolean;
}

/** What a hook may do with the terminal: have it to itself (an editor) while the progress list waits. */
export interface Terminal {
  alone<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Work between groups that is no documented step (opening an engine, the editor,
 * dropping an engine's databases): it prints and records nothing. Its failure ends
 * the loop and is the command's error, as an error outside the steps always was.
 */
export interface Hook {
  /** What it does, for whoever reads the loop; it is not printed. */
  hook: string;
  run: (terminal: Terminal) => Promise<void>;
  when?: () => boolean;
  /** Runs even after a hook failed: clean-up that must happen whatever the outcome. */
  always?: true;
}

export type Node = Group | Hook;

const SHOW_CURSOR = '\u001B[?25h';
const HIDE_CURSOR = '\u001B[?25l';

/** Stops the progress list's redraws (a TTY's) while something else has the terminal. */
class PausableSpinner extends Spinner {
  private tick?: () => void;

  override start(cb?: () => void, interval?: number): void {
    this.tick = cb;
    super.start(cb, interval);
  }

  async alone<T>(work: () => Promise<T>): Promise<T> {
    const running = this.isRunning();
    this.stop();
    // The list hides the cursor, and holds back what is written through process.stdout until it ends; an editor needs the cursor now.
    if (running) fs.writeSync(process.stdout.fd, SHOW_CURSOR);
    try {
      return await work();
    } finally {
      if (running) {
        fs.writeSync(process.stdout.fd, HIDE_CURSOR);
        this.start(this.tick);
      }
    }
  }
}

/** A listr2 task as far as retitling goes. */
interface Titled {
  title?: string;
  title$: string;
}

/** A step as a listr2 task: its record, the interrupt handler's view of it, its clock, and the titles of the steps after it. */
function stepTask<C extends Context>(step: Step<C>, at: { group: Group<C>; index: number; tasks: () => Titled[] }, enabled: Step<C>[], render: RenderOptions): ListrTask {
  const { run, group } = at.group;
  const ctx = run.ctx;
  // A step may change what later ones do (verify's first step picks the base: a snapshot, the committed code), so their titles are read again before they start.
  const retitle = (): void => {
    enabled.slice(at.index + 1).forEach((later, offset) => {
      const task = at.tasks()[at.index + 1 + offset];
      const title = later.title(ctx);
      if (task && task.title !== title) task.title$ = title;
    });
  };
  return {
    title: step.title(ctx),
    rendererOptions: { outputBar: render.verbose ? Infinity : false, persistentOutput: render.verbose },
    task: async (_: unknown, task: { output: string; skip: (message?: string) => void }) => {
      const started = performance.now();
      const record: StepRecord = { id: step.id, title: step.title(ctx), status: 'passed', ms: 0, group };
      run.records.push(record);
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
        run.error ??= error;
        throw error;
      } finally {
        stepStarted(ctx, undefined);
        record.ms = Math.round(performance.now() - started);
        retitle();
      }
    },
  };
}

/**
 * Runs a loop once, as one listr2 list of groups with their steps as subtasks. Each
 * step's status and time go to its engine's records, failure or not. A group runs only
 * while its engine has no failure; a hook's failure leaves out everything after it but
 * the clean-up hooks, then is thrown.
 */
export async function runLoop(nodes: Node[], render: RenderOptions): Promise<void> {
  let fatal: { error: unknown } | undefined;
  const spinner = new PausableSpinner();
  const tasks = nodes.map((node): ListrTask => {
    if ('hook' in node) {
      return {
        enabled: () => (node.always || !fatal) && (node.when?.() ?? true),
        task: async () => {
          try {
            await node.run(spinner);
          } catch (error) {
            fatal ??= { error };
          }
        },
      };
    }
    return {
      title: node.group,
      enabled: () => !fatal && !node.run.error && (node.when?.() ?? true),
      task: async (_: unknown, task) => {
        // Known before the first title prints: a signal while a step decides whether to skip still reports on this project.
        watchContext(node.run.ctx);
        const steps = typeof node.steps === 'function' ? node.steps() : node.steps;
        const enabled = steps.filter((step) => step.enabled?.(node.run.ctx) ?? true);
        let titled: Titled[] = [];
        const list = task.newListr(
          enabled.map((step, index) => stepTask(step, { group: node, index, tasks: () => titled }, enabled, render)),
          { exitOnError: true },
        );
        titled = list.tasks;
        return list;
      },
    };
  });
  const list = new Listr(tasks, {
    renderer: render.json ? 'silent' : 'default',
    fallbackRenderer: render.json ? 'silent' : 'simple',
    rendererOptions: { timer: PRESET_TIMER, collapseSkips: false, collapseSubtasks: false, showErrorMessage: false, spinner },
    // Progress, failed steps included, goes to stdout; stderr carries only devdb's one-sentence error.
    fallbackRendererOptions: { timer: PRESET_TIMER, logger: new ListrLogger({ useIcons: true, toStderr: [] }) },
    // Engines stop on their own failures (see the groups' `enabled`); the list goes on to the other engines and the clean-up.
    exitOnError: false,
    registerSignalListeners: false,
  });
  await list.run();
  if (fatal) throw fatal.error;
}

/** The plan of every step, for --dry-run: each step's title and what it would do. */
export async function planSteps<C extends Context>(steps: Step<C>[], ctx: C): Promise<{ id: string; title: string; plan: string[] }[]> {
  const plans = [];
  for (const step of steps.filter((s) => s.enabled?.(ctx) ?? true)) plans.push({ id: step.id, title: step.title(ctx), plan: await step.plan(ctx) });
  return plans;
}
