import type { MigrationScript } from '../../migration/script.js';
import type { SchemaChange } from '../../schema/diff.js';
import type { Schema } from '../../schema/model.js';
import type { CycleContext, RowCounts } from './round-trip.js';

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
