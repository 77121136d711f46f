import type { MigrationScript } from '../../migration/script.js';
import type { SchemaChange } from '../../schema/diff.js';
import type { Schema } from '../../schema/model.js';
import type { TableValues } from '../../engines/values.js';
import type { CycleContext, RowCounts } from './round-trip.js';
import { vanished } from './values.js';

/** One revision of the history, as the walk reads it. */
export interface Stair {
  revision: string;
  /** Absolute path of its script. */
  file: string;
  parents: string[];
  script: MigrationScript;
  /** Its downgrade() raises NotImplementedError: it cannot be undone, on purpose. */
  irreversible: boolean;
}

export type StairStatus = 'passed' | 'failed' | 'skipped' | 'not run';

/** What the walk found at one revision. */
export interface StairResult {
  revision: string;
  file: string;
  upgrade: StairStatus;
  downgrade: StairStatus;
  reupgrade: StairStatus;
  ms: number;
  irreversible?: true;
  /** What its downgrade took away from the rows the walk put in its tables (reported, not a failure). */
  losses?: StairLoss[];
}

/** Values (or rows) a revision's downgrade takes away: found by comparing its tables after the upgrade with them after the downgrade. */
export interface StairLoss {
  table: string;
  /** null: rows of the table, all of them when the downgrade drops it. */
  column: string | null;
  /** Rows whose value (or which) the downgrade took away. */
  rows: number;
  /**
   * Why losing them is allowed: `added`, the revision's own upgrade added the column or
   * table its downgrade drops (the normal case); `marked`, a `# devdb: allow data-loss`
   * marker or --accept-data-loss; null, data that was there before the upgrade.
   */
  allowed: 'added' | 'marked' | null;
}

/** What the walk of the history (verify --all) learns and hands from step to step. */
export interface Walk {
  /** Where the start comes from: an empty database, or the head built the committed way then downgraded. */
  mode: 'empty' | 'committed';
  from?: string;
  to?: string;
  strict: boolean;
  /** Every revision, parents first. */
  order: Stair[];
  /** The revisions to prove, in order (those --from and --to keep, above the start). */
  stairs: Stair[];
  /** downgradeFails: the start is a revision whose downgrade fails (reported, a failure only with --strict). */
  start?: { revision: string; reason: string; downgradeFails?: true };
  results: StairResult[];
  /** The schema of the base as the walk left it. */
  current?: Schema;
  /** The differences of the step that failed, for the report. */
  failure?: { revision: string; step: 'upgrade' | 'downgrade' | 'reupgrade'; changes: SchemaChange[] };
}

/** A round-trip context walking the history. */
export interface StairwayContext extends CycleContext {
  walk: Walk;
}

/**
 * What to downgrade a stair to, so that only it is undone: its parent; "REV@-1" when a
 * sibling branch also grows from that parent (downgrading to the parent would undo the
 * sibling too); a merge goes to its first parent, which leaves the others in place.
 */
export function belowOf(stair: Stair, order: Stair[]): string {
  const [parent] = stair.parents;
  if (parent === undefined) return 'base';
  if (stair.parents.length > 1) return parent;
  const siblings = order.filter((s) => s !== stair && s.parents.includes(parent));
  return siblings.length > 0 ? `${stair.revision}@-1` : parent;
}

/** Tables with fewer rows in `after` than in `before`, but for those the script drops on purpose. */
export function lostRows(before: RowCounts, after: RowCounts, dropped: Set<string>): string[] {
  return Object.entries(before)
    .filter(([table, n]) => !dropped.has(table) && (after[table] ?? 0) < n)
    .map(([table, n]) => `${table} ${n} → ${after[table] ?? 0}`);
}

/** A database's rows and values at one moment of a stair. */
export interface Taken {
  counts: RowCounts;
  values: TableValues[];
}

/**
 * What a downgrade took from `up` (after the upgrade) to `down` (after the downgrade):
 * tables gone or with fewer rows, and columns whose values are gone or NULL; `before`,
 * the schema before the upgrade, tells what the revision added itself.
 */
export function downgradeLosses(before: Schema, up: Taken, down: Taken, marked: (table: string, column: string | null) => boolean): StairLoss[] {
  const had = (table: string, column: string | null): boolean => {
    const found = before.tables.find((t) => t.name === table);
    return found !== undefined && (column === null || found.columns.some((c) => c.name === column));
  };
  const allowed = (table: string, column: string | null): StairLoss['allowed'] => (!had(table, column) ? 'added' : marked(table, column) ? 'marked' : null);
  const tables = Object.entries(up.counts)
    .filter(([table, n]) => (down.counts[table] ?? 0) < n)
    .map(([table, n]): StairLoss => ({ table, column: null, rows: n - (down.counts[table] ?? 0), allowed: allowed(table, null) }));
  const columns = vanished(up.values, down.values).map(({ table, column, rows }): StairLoss => ({ table, column, rows, allowed: allowed(table, column) }));
  return [...tables, ...columns];
}
