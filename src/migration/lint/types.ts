import type { EngineName, Schema } from '../../schema/model.js';
import { PRESETS, presetNamed, type PresetName } from '../../presets/index.js';
import type { LintWording } from '../../presets/preset.js';
import type { MigrationFunction, MigrationOp } from '../script.js';

/** The ids of lint's rules; they are part of devdb's output, so they never change. */
export type LintRule =
  | 'syntax-error'
  | 'empty-upgrade'
  | 'destructive-upgrade'
  | 'downgrade-drops-added-column'
  | 'missing-downgrade'
  | 'noop-downgrade-keeps-columns'
  | 'sqlite-needs-batch'
  | 'not-null-without-default'
  | 'multiple-heads'
  | 'rename-as-drop-add'
  | 'narrowing-type'
  | 'unused-marker'
  | 'malformed-marker';

/** One thing to fix (or, as info, a choice to confirm) in a draft migration script. */
export interface LintFinding {
  rule: LintRule;
  severity: 'error' | 'warning' | 'info';
  line: number;
  message: string;
  suggestion: string;
}

/** What lint knows besides the script. */
export interface LintContext {
  /** The engine the script will run on. */
  engine: EngineName;
  /** Tables that hold rows in the database the script will upgrade. */
  tablesWithRows?: Set<string>;
  /** The schema of the database the script will upgrade: the types columns have before it runs. */
  baseSchema?: Schema;
  /** Alembic's heads, with the draft in place. */
  heads?: string[];
  /** The kind of project, for wording: Kallithea's guide is quoted only to Kallithea's developers. */
  preset?: PresetName;
}

export type FunctionName = 'upgrade' | 'downgrade';
export type Named = [name: FunctionName, fn: MigrationFunction];

export const label = (op: MigrationOp): string => [op.table ?? '?', op.column].filter((part) => part !== null).join('.');

/** The preset's words for lint's advice; without a preset, those of the first, Kallithea, whose guide lint follows. */
export const wordingOf = (preset: PresetName | undefined): LintWording => (preset ? presetNamed(preset) : PRESETS[0]).lint;

/** The type a column has before the script runs: as the base database reports it, else as the script says it was. */
export function typeBefore(context: LintContext, table: string | null, column: string | null, stated?: unknown): string | null {
  const found = context.baseSchema?.tables.find((t) => t.name === table)?.columns.find((c) => c.name === column);
  if (found?.type) return found.type;
  return typeof stated === 'string' ? stated : null;
}
