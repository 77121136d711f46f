import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Listr, ListrLogger, PRESET_TIMER, Spinner, type ListrTask } from 'listr2';
import type { Context } from './context.js';
import { stepClock, stepStarted, watchContext } from './interrupt.js';
import { inLane } from './python/lane.js';
import type { EngineName } from './schema/model.js';
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
 * from every other engine's, so that engines run side by side (Lanes). An engine whose
 * context is made only when the loop gets there (a server checked only once the
 * draft was generated on the first engine) is opened by a hook just before its groups.
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

/** One engine's part of a loop, run beside the other engines' parts (they work on databases of their own). */
export interface Lane {
  engine: EngineName;
  nodes: Node[];
}

/** Engines proven side by side: each lane's nodes in order, the lanes at once. */
export interface Lanes {
  lanes: Lane[];
}

export type Node = Group | Hook | Lanes;

/** The engines' parts of a loop: side by side when there are several, else the one engine's nodes as they are. */
export const sideBySide = (lanes: Lane[]): Node[] => (lanes.length === 1 ? lanes[0]!.nodes : [{ lanes }]);

/** Where a task runs: the lane of engines side by side (its own helper, src/python/lane.ts) and the prefix of its plain lines. */
interface Place {
  lane?: EngineName;
  label: string;
}

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

/** What a step's task does with listr2: its output line, and saying it was skipped. */
interface StepTask {
  output: string;
  skip: (message?: string) => void;
}

/** A step as a listr2 task, run in its engine's lane; once it ends, the titles of the steps after it are read again. */
function stepTask<C extends Context>(step: Step<C>, at: { group: Group<C>; index: number; tasks: () => Titled[] }, enabled: Step<C>[], render: RenderOptions, place: Place): ListrTask {
  const ctx = at.group.run.ctx;
  // A step may change what later ones do (verify's first step picks the base: a snapshot, the committed code), so their titles are read again before they start.
  const retitle = (): void => {
    enabled.slice(at.index + 1).forEach((later, offset) => {
      const task = at.tasks()[at.index + 1 + offset];
      const title = place.label + later.title(ctx);
      if (task && task.title !== title) task.title$ = title;
    });
  };
  return {
    title: place.label + step.title(ctx),
    rendererOptions: { outputBar: render.verbose ? Infinity : false, persistentOutput: render.verbose },
    task: (_: unknown, task: StepTask) => inLane(place.lane, () => runStep(step, at.group, task, render, place.label)).finally(retitle),
  };
}

/** Runs one step: its record in its engine's run, the interrupt handler's view of it, its clock. */
async function runStep<C extends Context>(step: Step<C>, { run, group }: Group<C>, task: StepTask, render: RenderOptions, label: string): Promise<void> {
  const ctx = run.ctx;
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
    const stopClock = stepClock(ctx);
    // Plain lines (CI, hooks): a long migration would otherwise be silence.
    const ticker = render.json || process.stdout.isTTY ? undefined : setInterval(() => (task.output = `${label}still running (${Math.round((performance.now() - started) / 1000)} s)`), STILL_RUNNING_MS);
    try {
      await step.run(ctx, { output: (line) => (task.output = label + line) });
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
  }
}

/**
 * Runs a loop once, as one listr2 list of groups with their steps as subtasks. Each
 * step's status and time go to its engine's records, failure or not. A group runs only
 * while its engine has no failure; a hook's failure leaves out everything after it but
 * the clean-up hooks, then is thrown. Lanes run at once, each its nodes in order; their
 * plain lines (no TTY) start with the engine's name, as they interleave.
 */
export async function runLoop(nodes: Node[], render: RenderOptions): Promise<void> {
  let fatal: { error: unknown } | undefined;
  const spinner = new PausableSpinner();
  const plain = !render.json && !process.stdout.isTTY;
  const toTasks = (list: Node[], place: Place): ListrTask[] =>
    list.map((node): ListrTask => {
      if ('lanes' in node) {
        return {
          enabled: () => !fatal,
          task: (_: unknown, task) =>
            task.newListr(
              // The first engine keeps the shared helper: a cycle's "Generate the draft" has already started it there.
              node.lanes.map((lane, index) => ({
                task: (__: unknown, inner) => inner.newListr(toTasks(lane.nodes, { lane: index === 0 ? undefined : lane.engine, label: plain ? `[${lane.engine}] ` : '' }), { concurrent: false, exitOnError: false }),
              })),
              { concurrent: true, exitOnError: false },
            ),
        };
      }
      if ('hook' in node) {
        return {
          enabled: () => (node.always || !fatal) && (node.when?.() ?? true),
          task: async () => {
            try {
              await inLane(place.lane, () => node.run(spinner));
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
          const sub = task.newListr(
            enabled.map((step, index) => stepTask(step, { group: node, index, tasks: () => titled }, enabled, render, place)),
            // A nested list takes its parent's options: in a lane, its steps must still run one after another.
            { concurrent: false, exitOnError: true },
          );
          titled = sub.tasks;
          return sub;
        },
      };
    });
  const list = new Listr(toTasks(nodes, { label: '' }), {
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
