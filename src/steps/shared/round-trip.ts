import path from 'node:path';
import fs from 'fs-extra';
import type { Context } from '../../context.js';
import { engineFor } from '../../engines/index.js';
import type { SeedResult } from '../../engines/engine.js';
import type { Snapshot } from '../../engines/snapshots.js';
import type { DatabaseTarget } from '../../engines/url.js';
import { failure } from '../../errors.js';
import type { LintFinding } from '../../migration/lint.js';
import type { MigrationScript } from '../../migration/script.js';
import { diffSchemas, type SchemaChange } from '../../schema/diff.js';
import type { Schema } from '../../schema/model.js';
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
}

export type RowCounts = Record<string, number>;

/** What the round-trip steps learn and hand to each other during one cycle or verify. */
export interface RoundTrip {
  /** An INI like the throwaway one, aimed at the base database; next to it so %(here)s means the same. */
  baseIni: string;
  baseDb: DatabaseTarget;
  /** Where the base comes from: a copy of the development database, a snapshot, or the committed code. */
  base: { kind: 'dev' | 'vcs' | 'snapshot'; snapshot?: Snapshot };
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

/** The round trip's working files: the base database (.devdb/work/base.db, or devdb's …_base on the server), and the base INI beside the throwaway INI. */
export function newRoundTrip(ctx: Context): RoundTrip {
  const file = path.join(ctx.stateDir, 'work', 'base.db');
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
): void {
  const all = diffSchemas(expected, actual);
  const allowed = all.filter(allow);
  const changes = all.filter((c) => !allow(c));
  const status = changes.length > 0 ? 'failed' : allowed.length > 0 ? 'allowed' : 'passed';
  trip.checks.push({ ...check, status, changes, allowed });
  if (changes.length > 0) {
    throw failure(`${check.title}: ${changes.length} difference${changes.length > 1 ? 's' : ''} (${changes.slice(0, 3).map((c) => c.message).join('; ')}${changes.length > 3 ? '; …' : ''}); the report below lists them.`);
  }
}

/** The command that upgrades or downgrades the base database, for plans. */
export const planOnBase = (ctx: CycleContext, ...args: string[]): string => planCommand(alembic(shown(ctx, ctx.trip.baseIni), ...args));

/** After an upgrade of the base: its rows are counted, and it must match the database built from the models. */
export async function compareWithModels(ctx: CycleContext, check: Pick<Check, 'id' | 'title'> & { id: 'upgrade' | 'reupgrade' }): Promise<void> {
  ctx.trip.rows[check.id] = await countRows(ctx.trip.baseDb);
  await takeValues(ctx.trip, check.id);
  recordCheck(ctx.trip, check, ctx.trip.modelSchema!, await inspect(ctx.trip.baseDb));
}

/** Whether the migration being proven declares its downgrade irreversible (downgrade() raises NotImplementedError). */
export async function declaredIrreversible(ctx: CycleContext): Promise<boolean> {
  const migration = ctx.trip.migration;
  return migration !== undefined && isIrreversible(migration.script, await fs.readFile(migration.file, 'utf8'));
}
