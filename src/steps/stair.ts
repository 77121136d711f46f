import { performance } from 'node:perf_hooks';
import fs from 'fs-extra';
import { DevdbError, failure } from '../errors.js';
import { withoutRerunAdvice } from '../python/run.js';
import { alembic } from '../presets/command.js';
import { diffSchemas, type SchemaChange } from '../schema/diff.js';
import type { Schema } from '../schema/model.js';
import { engineFor } from '../engines/index.js';
import type { Engine } from '../engines/engine.js';
import type { DatabaseTarget } from '../engines/url.js';
import { allowsLoss, readMarkers } from '../migration/markers.js';
import { keptOnPurpose } from './downgrade.js';
import { countRows, inspect, planOnBase } from './shared/round-trip.js';
import { belowOf, downgradeLosses, lostRows, type Stair, type StairLoss, type StairResult, type StairwayContext, type Taken } from './shared/stairway.js';
import { touchedTables } from './shared/values.js';
import { runTool, shown, type Step, type StepIO } from './step.js';

type Phase = 'upgrade' | 'downgrade' | 'reupgrade';

/** What each phase's schema is compared with, and the fix its failure asks for. */
const EXPECTED: Record<Phase, { what: string; fix: string }> = {
  upgrade: { what: 'differs from the models', fix: 'make upgrade() give the schema the models declare' },
  downgrade: { what: 'differs from the database before its upgrade', fix: 'make downgrade() undo exactly what upgrade() does' },
  reupgrade: { what: 'differs from the database after its first upgrade', fix: 'make downgrade() undo exactly what upgrade() does, so the upgrade can run again' },
};

const ACTION: Record<Phase, string> = { upgrade: 'its upgrade', downgrade: 'its downgrade', reupgrade: 'its upgrade after the downgrade' };

/** Tables a script's function names, and those it drops. */
const tablesOf = (stair: Stair, fn: 'upgrade' | 'downgrade', only?: string): string[] =>
  [...new Set((stair.script.functions?.[fn]?.ops ?? []).filter((op) => only === undefined || op.name === only).map((op) => op.table))].filter((t): t is string => typeof t === 'string');

/** The rows and values of `tables` (those the revision touches) at one moment. */
const take = async (engine: Engine, target: DatabaseTarget, tables: string[]): Promise<Taken> => ({ counts: await countRows(target), values: await engine.values(target, tables) });

/** One loss, for the progress list. */
const describeLoss = (loss: StairLoss): string =>
  `${loss.column === null ? `${loss.table} loses ${loss.rows} row${loss.rows === 1 ? '' : 's'}` : `${loss.table}.${loss.column} loses ${loss.rows} value${loss.rows === 1 ? '' : 's'}`}${loss.allowed === 'added' ? ', which its upgrade added' : loss.allowed === 'marked' ? ', allowed' : ', which were there before its upgrade'}`;

/** One revision's proof: upgrade to it, downgrade one step, upgrade again, each compared with what it must give. */
class Proof {
  constructor(
    private readonly ctx: StairwayContext,
    private readonly stair: Stair,
    private readonly io: StepIO,
  ) {}

  name(): string {
    return `Revision ${this.stair.revision} (${shown(this.ctx, this.stair.file)})`;
  }

  /** Runs an alembic command; its failure names the revision and the phase. */
  async alembic(phase: Phase, ...args: string[]): Promise<void> {
    try {
      await runTool(this.ctx, alembic(shown(this.ctx, this.ctx.trip.baseIni), ...args), this.io, `${ACTION[phase]}`);
    } catch (error) {
      if (!(error instanceof DevdbError)) throw error;
      throw new DevdbError(`${this.name()}: ${withoutRerunAdvice(error.message)}; fix the script and run again.`, { exitCode: error.exitCode, detail: error.detail });
    }
  }

  compare(phase: Phase, expected: Schema, actual: Schema, allow: (change: SchemaChange) => boolean = () => false): void {
    const changes = diffSchemas(expected, actual).filter((c) => !allow(c));
    if (changes.length === 0) return;
    this.ctx.walk.failure = { revision: this.stair.revision, step: phase, changes };
    const listed = changes.slice(0, 3).map((c) => c.message).join('; ');
    throw failure(`${this.name()}: after ${ACTION[phase]} the database ${EXPECTED[phase].what} (${changes.length} difference${changes.length > 1 ? 's' : ''}: ${listed}${changes.length > 3 ? '; …' : ''}); ${EXPECTED[phase].fix}.`);
  }

  rows(phase: Phase, before: Record<string, number>, after: Record<string, number>, dropped: string[]): void {
    const lost = lostRows(before, after, new Set(dropped));
    if (lost.length > 0) throw failure(`${this.name()}: ${ACTION[phase]} lost rows (${lost.join(', ')}); make the migration keep them (copy the data before dropping or recreating a table).`);
  }
}

async function prove(ctx: StairwayContext, stair: Stair, result: StairResult, io: StepIO): Promise<void> {
  const proof = new Proof(ctx, stair, io);
  const target = ctx.trip.baseDb;
  const engine = await engineFor(target.engine);
  const before = ctx.walk.current ?? (await inspect(target));
  const existing = new Set(before.tables.map((t) => t.name));
  for (const seeded of await engine.seedRows(target, tablesOf(stair, 'upgrade').filter((t) => existing.has(t)))) {
    if (seeded.inserted > 0) io.output(`${stair.revision}: ${seeded.table}: ${seeded.inserted} row inserted`);
  }
  const rowsBefore = await countRows(target);
  let phase: Phase = 'upgrade';
  try {
    await proof.alembic(phase, 'upgrade', stair.revision);
    const after = await inspect(target);
    const rowsAfter = await countRows(target);
    const last = ctx.walk.order.at(-1);
    if (stair === last && ctx.trip.modelSchema) proof.compare(phase, ctx.trip.modelSchema, after);
    proof.rows(phase, rowsBefore, rowsAfter, tablesOf(stair, 'upgrade', 'drop_table'));
    result.upgrade = 'passed';
    ctx.walk.current = after;
    phase = 'downgrade';
    if (stair.irreversible) {
      result.irreversible = true;
      if (ctx.walk.strict) {
        throw failure(`${proof.name()} declares its downgrade irreversible (downgrade() raises NotImplementedError), and --strict makes that a failure; write a downgrade() that undoes upgrade(), or run without --strict.`);
      }
      result.downgrade = result.reupgrade = 'skipped';
      io.output(`${stair.revision}: irreversible, its downgrade and upgrade again are skipped`);
      return;
    }
    // Rows with values in what the upgrade made (an added column, a new table), so what the downgrade takes away is counted.
    const tables = touchedTables(stair.script).filter((t) => after.tables.some((table) => table.name === t));
    await engine.seedRows(target, tables);
    for (const seeded of await engine.seedShapes(target, tables)) {
      if (seeded.inserted > 0) io.output(`${stair.revision}: ${seeded.table}: ${seeded.inserted} boundary row${seeded.inserted === 1 ? '' : 's'} inserted after the upgrade`);
    }
    const up = await take(engine, target, tables);
    await proof.alembic(phase, 'downgrade', belowOf(stair, ctx.walk.order));
    proof.compare(phase, before, await inspect(target), keptOnPurpose(stair.script));
    const down = await take(engine, target, tables);
    const rowsDown = down.counts;
    const markers = readMarkers(await fs.readFile(stair.file, 'utf8'));
    result.losses = downgradeLosses(before, up, down, (table, column) => ctx.acceptDataLoss || allowsLoss(markers, table, column ?? undefined));
    for (const loss of result.losses) io.output(`${stair.revision}: the downgrade: ${describeLoss(loss)}`);
    result.downgrade = 'passed';
    phase = 'reupgrade';
    await proof.alembic(phase, 'upgrade', stair.revision);
    const again = await inspect(target);
    proof.compare(phase, after, again);
    proof.rows(phase, rowsDown, await countRows(target), tablesOf(stair, 'upgrade', 'drop_table'));
    result.reupgrade = 'passed';
    ctx.walk.current = again;
  } catch (error) {
    result[phase] = 'failed';
    throw error;
  }
}

/** One revision of verify --all: upgrade to it, downgrade one step, upgrade again, as one line of the progress list. */
export function stair(one: Stair): Step<StairwayContext> {
  return {
    id: 'stair',
    title: (ctx) => `stair: ${one.revision} ${shown(ctx, one.file)}`,
    plan: (ctx) => [planOnBase(ctx, 'upgrade', one.revision), planOnBase(ctx, 'downgrade', belowOf(one, ctx.walk.order)), planOnBase(ctx, 'upgrade', one.revision)],
    run: async (ctx, io) => {
      const started = performance.now();
      const result: StairResult = { revision: one.revision, file: shown(ctx, one.file), upgrade: 'not run', downgrade: 'not run', reupgrade: 'not run', ms: 0 };
      ctx.walk.results.push(result);
      try {
        await prove(ctx, one, result, io);
      } finally {
        result.ms = Math.round(performance.now() - started);
      }
    },
  };
}
