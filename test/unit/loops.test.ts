import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DevdbConfig } from '../../src/config/schema.js';
import type { Context } from '../../src/context.js';
import type { EngineName } from '../../src/schema/model.js';
import { applyLoop } from '../../src/loops/apply.js';
import { cycleLoop } from '../../src/loops/cycle.js';
import { cycleContext, enginesFor } from '../../src/loops/engines.js';
import { resetLoop } from '../../src/loops/reset.js';
import { verifyLoop } from '../../src/loops/verify.js';
import type { Step } from '../../src/steps/step.js';
import { currentLane } from '../../src/python/lane.js';
import { EngineRun, runLoop, sideBySide, type Node } from '../../src/workflow.js';

const silent = { json: true, verbose: false };

/** Enough of a project for the loops to be assembled and for steps that touch nothing. */
function context(engine: EngineName = 'sqlite'): Context {
  const config = { engine: 'sqlite', servers: { postgres: 'postgresql://u@h/postgres', mysql: 'mysql://u@h/' }, snapshots: { keep: 5 } } as unknown as DevdbConfig;
  const db = (name: string) => ({ engine: 'sqlite' as const, url: `sqlite:////p/${name}`, file: `/p/${name}` });
  return { root: '/p', configFile: '/p/devdb.json', config, stateDir: '/p/.devdb', devIni: '/p/dev.ini', alembicDir: '/p', devDb: db('dev.db'), engine, throwawayIni: '/p/temp.ini', throwawayDb: db('temp.db'), repos: '/p/repos', secrets: [], verbose: false } as unknown as Context;
}

/** A step that records that it ran, and fails when asked to. */
function step(id: string, ran: string[], fails = false): Step {
  return {
    id,
    title: () => `${id}: does its thing`,
    plan: () => [],
    run: async () => {
      ran.push(id);
      if (fails) throw new Error(`${id} failed`);
    },
  };
}

const groups = (nodes: Node[]): string[] => nodes.flatMap((node) => ('group' in node ? [node.group] : 'lanes' in node ? node.lanes.flatMap((lane) => groups(lane.nodes)) : []));
const outcome = (run: EngineRun) => run.records.map((r) => `${r.group} / ${r.id}: ${r.status}`);

describe('the loops as trees: their groups read as the documented loop', () => {
  it('cycle: generate, prove on each engine, apply; without --engine all one engine; without apply no Apply', () => {
    const ctx = cycleContext(context(), undefined);
    const load = () => Promise.resolve(context());
    expect(groups(cycleLoop(ctx, enginesFor(ctx, 'all'), { message: 'm' }, load).nodes)).toEqual(['Generate the draft', 'Prove it on sqlite', 'Prove it on postgres', 'Prove it on mysql', 'Apply']);
    expect(groups(cycleLoop(ctx, enginesFor(ctx, undefined), { message: 'm', apply: false }, load).nodes)).toEqual(['Generate the draft', 'Prove it on sqlite']);
  });

  it('verify finds the newest migration and proves it on each engine; apply finds, proves and applies; reset prepares and builds', () => {
    const load = () => Promise.resolve(context());
    expect(groups(verifyLoop(context(), ['sqlite'], undefined, load).nodes)).toEqual(['Find the newest migration', 'Prove it on sqlite']);
    expect(groups(verifyLoop(context(), ['sqlite', 'postgres'], undefined, load).nodes)).toEqual([
      'Find the newest migration for sqlite',
      'Prove it on sqlite',
      'Find the newest migration for postgres',
      'Prove it on postgres',
    ]);
    expect(groups(applyLoop(context()).nodes)).toEqual(['Find the newest migration', 'Prove it on sqlite', 'Apply']);
    expect(groups(resetLoop(context(), {}).nodes)).toEqual(['Prepare the throwaway database', 'Build the throwaway database']);
  });

  it('the other engines of a cycle are opened only once the first generated a draft, and the first engine drops its work whatever happened', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-loops-'));
    const ctx = cycleContext({ ...context(), root, stateDir: path.join(root, '.devdb') }, undefined);
    fs.mkdirSync(path.join(ctx.stateDir, 'work'), { recursive: true });
    const opened: EngineName[] = [];
    const loop = cycleLoop(ctx, ['sqlite', 'postgres'], { message: 'm' }, async (engine) => {
      opened.push(engine);
      return context(engine);
    });
    const home = loop.runs()[0] as EngineRun;
    // As if the first engine had failed: none of its groups runs, nothing else is opened, and its work folder still goes.
    home.error = new Error('the first engine failed');
    await runLoop(loop.nodes, silent);
    expect(opened).toEqual([]);
    expect(loop.runs()).toEqual([home]);
    expect(home.records).toEqual([]);
    expect(fs.existsSync(path.join(ctx.stateDir, 'work'))).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('runLoop: one list of groups, records per engine', () => {
  it('an engine stops at its first failure, the next engine still runs, and each record names its group', async () => {
    const ran: string[] = [];
    const a = new EngineRun(context());
    const b = new EngineRun(context('postgres'));
    await runLoop(
      [
        { group: 'A first', run: a, steps: [step('a1', ran), step('a2', ran, true), step('a3', ran)] },
        { group: 'A second', run: a, steps: [step('a4', ran)] },
        { group: 'B', run: b, steps: [step('b1', ran)] },
      ],
      silent,
    );
    expect(ran).toEqual(['a1', 'a2', 'b1']);
    expect(outcome(a)).toEqual(['A first / a1: passed', 'A first / a2: failed']);
    expect((a.error as Error).message).toBe('a2 failed');
    expect(outcome(b)).toEqual(['B / b1: passed']);
    expect(b.error).toBeUndefined();
  });

  it('a group is decided when it is reached: its condition and its steps', async () => {
    const ran: string[] = [];
    const run = new EngineRun(context());
    let chosen = false;
    const choose: Step = { ...step('choose', ran), run: async () => void (chosen = true) };
    await runLoop(
      [
        { group: 'first', run, steps: [choose] },
        { group: 'only if chosen', run, steps: [step('then', ran)], when: () => chosen },
        { group: 'steps picked late', run, steps: () => [step(chosen ? 'late' : 'early', ran)] },
      ],
      silent,
    );
    expect(ran).toEqual(['then', 'late']);
  });

  it('engines side by side: the lanes run at once, each in order and the later ones in a helper lane of their own, and one lane failing stops only itself', async () => {
    const ran: string[] = [];
    const lanes: string[] = [];
    // Each lane's first step waits for the other's to start: lanes run one after the other would never get past it.
    const deferred = () => {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      return { promise, resolve };
    };
    type Deferred = ReturnType<typeof deferred>;
    const started = { a: deferred(), b: deferred() };
    const meet = (id: string, mine: Deferred, theirs: Deferred, fails = false): Step => ({
      ...step(id, ran, fails),
      run: async () => {
        lanes.push(`${id}@${currentLane()}`);
        mine.resolve();
        await theirs.promise;
        ran.push(id);
        if (fails) throw new Error(`${id} failed`);
      },
    });
    const a = new EngineRun(context('postgres'));
    const b = new EngineRun(context('mysql'));
    await runLoop(
      sideBySide([
        { engine: 'postgres', nodes: [{ group: 'A', run: a, steps: [meet('a1', started.a, started.b, true), step('a2', ran)] }, { hook: 'drop a', always: true, run: async () => void ran.push('drop a') }] },
        { engine: 'mysql', nodes: [{ group: 'B', run: b, steps: [meet('b1', started.b, started.a), step('b2', ran)] }, { group: 'B again', run: b, steps: [step('b3', ran)] }] },
      ]),
      silent,
    );
    // The first lane keeps the shared helper (''), as a cycle's generation has started it.
    expect(lanes.sort()).toEqual(['a1@', 'b1@mysql']);
    expect(ran.filter((id) => id.startsWith('a') || id === 'drop a')).toEqual(['a1', 'drop a']);
    expect(ran.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2', 'b3']);
    expect(outcome(a)).toEqual(['A / a1: failed']);
    expect(outcome(b)).toEqual(['B / b1: passed', 'B / b2: passed', 'B again / b3: passed']);
    expect(currentLane()).toBe('');
  });

  it('one engine is no lanes: its nodes as they are, run in the shared helper', () => {
    const run = new EngineRun(context());
    const nodes: Node[] = [{ group: 'only', run, steps: [] }];
    expect(sideBySide([{ engine: 'sqlite', nodes }])).toBe(nodes);
  });

  it("a hook's failure leaves out everything after it but the clean-up, then is the loop's error", async () => {
    const ran: string[] = [];
    const run = new EngineRun(context());
    const loop = runLoop(
      [
        { group: 'before', run, steps: [step('s1', ran)] },
        { hook: 'breaks', run: () => Promise.reject(new Error('the editor did not exit cleanly')) },
        { group: 'after', run, steps: [step('s2', ran)] },
        { hook: 'not clean-up', run: async () => void ran.push('plain hook') },
        { hook: 'clean-up', always: true, run: async () => void ran.push('clean-up') },
      ],
      silent,
    );
    await expect(loop).rejects.toThrow('the editor did not exit cleanly');
    expect(ran).toEqual(['s1', 'clean-up']);
    expect(outcome(run)).toEqual(['before / s1: passed']);
  });

  it("an engine made later is opened by its hook, and its context is the one its steps see", async () => {
    const seen: EngineName[] = [];
    const later = new EngineRun(async () => context('mysql'));
    const see: Step = { ...step('see', []), run: async (ctx) => void seen.push(ctx.engine) };
    expect(later.opened).toBe(false);
    await runLoop([{ hook: 'open', run: () => later.open() }, { group: 'on mysql', run: later, steps: [see] }], silent);
    expect(later.opened).toBe(true);
    expect(seen).toEqual(['mysql']);
  });
});
