import path from 'node:path';
import fs from 'fs-extra';
import type { Context } from '../../context.js';
import { engineFor } from '../../engines/index.js';
import type { SeedResult } from '../../engines/engine.js';
import type { Snapshot } from '../../engines/snapshots.js';
import type { DatabaseTarget } from '../../engines/url.js';
import { failure } from '../../errors.js';
import type { LintFinding } from '../../migration/lint/index.js';
import type { MigrationScript } from '../../migration/script.js';
import { versionsFolder } from '../../config/project-files.js';
import { diffSchemas, type SchemaChange } from '../../schema/diff.js';
import { autogenerateMisses, type Miss } from '../../schema/misses.js';
import type { Schema } from '../../schema/model.js';
import { closingOps, undoingOps } from '../../schema/ops.js';
import { describeDifference, type Sides } from '../../schema/render.js';
import { isIrreversible } from '../../migration/irreversible.js';
import { alembic } from '../../presets/command.js';
import { planCommand, shown } from '../step.js';
import { newValueChecks, takeValues, type ValueChecks } from './values.js';

/** One schema comparison of the round trip. */
export interface Check {
  id: 'upgrade' | 'downgrade' | 'reupgrade';
  title: string;
  /** skipped: the migration declares its downgrade irreversible. */
  status: 'passed' | 'failed' | 'allowed' | 'skipped';
  /** Differences that fail the check. */
  changes: SchemaChange[];
  /** Differences the draft makes on purpose (a column kept by a no-op downgrade). */
  allowed: SchemaChange[];
  /** What the two compared databases are, for wording the differences. */
  sides: Sides;
  /** For each failing difference, the Alembic operations that would close it, ready to paste. */
  fixes: Fix[];
  /** Failing differences autogenerate leaves by design, with the setting or op that closes each. */
  misses: Miss[];
}

/** The operations that would close one difference, in the function of the migration they belong in. */
export interface Fix {
  table: string;
  object?: string;
  difference: string;
  in: 'upgrade' | 'downgrade';
  ops: string[];
  /** For a fix in upgrade(), what downgrade() then needs to undo it. */
  undo?: string[];
}

const MIGRATED = { upgrade: 'the upgraded database', reupgrade: 'the database upgraded again', downgrade: 'the downgraded database' } as const;

/** The two sides of a check: the models or the database before the upgrade, and the database the migration made. */
export const sidesOf = (id: Check['id']): Sides => ({
  expected: id === 'downgrade' ? { name: 'the database before the upgrade' } : { name: 'the models', plural: true },
  actual: { name: MIGRATED[id] },
});

export type RowCounts = Record<string, number>;

/** What the round-trip steps learn and hand to each other during one cycle or verify. */
export interface RoundTrip {
  /** An INI like the throwaway one, aimed at the base database; next to it so %(here)s means the same. */
  baseIni: string;
  baseDb: DatabaseTarget;
  /** Where the base comes from: a copy of the development database, a snapshot, or the committed code. */
  /** `revision`: a commit to build a vcs base from instead of the checkout's own (CI, where the newest migration is committed). */
  base: { kind: 'dev' | 'vcs' | 'snapshot'; snapshot?: Snapshot; revision?: string };
  migration?: { file: string; script: MigrationScript };
  beforeSchema?: Schema;
  modelSchema?: Schema;
  rows: Partial<Record<'before' | 'upgrade' | 'downgrade' | 'reupgrade', RowCounts>>;
  checks: Check[];
  lint: LintFinding[];
  /** The boundary rows seed-rows added, table by table. */
  shapes: SeedResult[];
  /** Value fingerprints and what they showed lost or too long. */
  values: ValueChecks;
  /** Rows the downgrade lost, table by table (reported, not a failure). */
  downgradeLosses: { table: string; before: number; after: number }[];
  /** Autogenerate found nothing to do. */
  noChange: boolean;
  /** Server databases the run made and dropped at its end. */
  dropped: string[];
  /** --strict: an irreversible downgrade is a failure, not a skipped proof. */
  strict: boolean;
}

/** A context with the round trip's working state. */
export interface CycleContext extends Context {
  trip: RoundTrip;
}

/** An engine's working folder, .devdb/work/ENGINE: engines proven side by side never share one. */
export const workFolder = (ctx: Context): string => path.join(ctx.stateDir, 'work', ctx.engine);

/** The round trip's working files: the base database (.devdb/work/sqlite/base.db, or devdb's …_base on the server), and the base INI beside the throwaway INI. */
export function newRoundTrip(ctx: Context): RoundTrip {
  const file = path.join(workFolder(ctx), 'base.db');
  const stem = path.basename(ctx.throwawayIni, path.extname(ctx.throwawayIni));
  return {
    baseIni: path.join(path.dirname(ctx.throwawayIni), `${stem}.devdb-base.ini`),
    baseDb: ctx.serverDatabase?.('base') ?? { engine: 'sqlite', url: `sqlite:///${file}`, file },
    base: { kind: ctx.devDb.engine === ctx.engine ? 'dev' : 'vcs' },
    rows: {},
    checks: [],
    lint: [],
    downgradeLosses: [],
    shapes: [],
    values: newValueChecks(),
    noChange: false,
    dropped: [],
    strict: false,
  };
}

/** The schema of a database, as the neutral model. */
export const inspect = async (target: DatabaseTarget): Promise<Schema> => (await engineFor(target.engine)).inspect(target);

/** Rows per table of a database. */
export const countRows = async (target: DatabaseTarget): Promise<RowCounts> => (await engineFor(target.engine)).countRows(target);

/**
 * Compares a database with what it should be and records the check; differences
 * `allow` accepts are reported as allowed, any other fails the step.
 */
export function recordCheck(
  trip: RoundTrip,
  check: Pick<Check, 'id' | 'title'>,
  expected: Schema,
  actual: Schema,
  allow: (change: SchemaChange) => boolean = () => false,
  misses: (changes: SchemaChange[]) => Miss[] = () => [],
): void {
  const all = diffSchemas(expected, actual);
  const allowed = all.filter(allow);
  const changes = all.filter((c) => !allow(c));
  const status = changes.length > 0 ? 'failed' : allowed.length > 0 ? 'allowed' : 'passed';
  const sides = sidesOf(check.id);
  // Drops first: a constraint changed in place is one dropped and one created under the same name.
  const dropsFirst = [...changes].sort((a, b) => Number(!a.kind.endsWith('-added')) - Number(!b.kind.endsWith('-added')));
  const fixes = dropsFirst.map((change): Fix => ({
    table: change.table,
    ...(change.object === undefined ? {} : { object: change.object }),
    difference: describeDifference(change, sides),
    in: check.id === 'downgrade' ? 'downgrade' : 'upgrade',
    ops: closingOps(change, expected, actual),
    ...(check.id === 'downgrade' ? {} : { undo: undoingOps(change, expected, actual) }),
  }));
  trip.checks.push({ ...check, status, changes, allowed, sides, fixes, misses: changes.length > 0 ? misses(changes) : [] });
  if (changes.length > 0) {
    const shown = fixes.slice(0, 3).map((f) => f.difference).join('; ');
    throw failure(`${check.title}: ${changes.length} difference${changes.length > 1 ? 's' : ''} (${shown}${changes.length > 3 ? '; …' : ''}); the report gives the operation that closes each.`);
  }
}

/** The command that upgrades or downgrades the base database, for plans. */
export const planOnBase = (ctx: CycleContext, ...args: string[]): string => planCommand(alembic(shown(ctx, ctx.trip.baseIni), ...args));

/** After an upgrade of the base: its rows are counted, and it must match the database built from the models. */
export async function compareWithModels(ctx: CycleContext, check: Pick<Check, 'id' | 'title'> & { id: 'upgrade' | 'reupgrade' }): Promise<void> {
  ctx.trip.rows[check.id] = await countRows(ctx.trip.baseDb);
  await takeValues(ctx.trip, check.id);
  const envPy = await readEnvPy(ctx);
  recordCheck(ctx.trip, check, ctx.trip.modelSchema!, await inspect(ctx.trip.baseDb), undefined, (changes) => autogenerateMisses(changes, { engine: ctx.engine, envPy }));
}

/** The project's env.py, beside the versions folder as Alembic keeps it; null when it is elsewhere or unreadable. */
async function readEnvPy(ctx: Context): Promise<string | null> {
  try {
    return await fs.readFile(path.join(ctx.root, await versionsFolder(ctx.config, ctx.root), '..', 'env.py'), 'utf8');
  } catch {
    return null;
  }
}

/** Whether the migration being proven declares its downgrade irreversible (downgrade() raises NotImplementedError). */
export async function declaredIrreversible(ctx: CycleContext): Promise<boolean> {
  const migration = ctx.trip.migration;
  return migration !== undefined && isIrreversible(migration.script, await fs.readFile(migration.file, 'utf8'));
}
