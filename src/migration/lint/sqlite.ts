import type { LintWording } from '../../presets/preset.js';
import { label, type LintFinding, type Named } from './types.js';

/** What SQLite's ALTER TABLE cannot do, so Alembic needs batch mode (copy the table) for it. */
const SQLITE_CANNOT: Record<string, string> = {
  alter_column: 'alter a column',
  drop_column: 'drop a column before SQLite 3.35, nor one that is indexed or constrained after',
  create_unique_constraint: 'add a constraint',
  create_foreign_key: 'add a constraint',
  create_check_constraint: 'add a constraint',
  create_primary_key: 'add a constraint',
  drop_constraint: 'drop a constraint',
};

export function sqliteNeedsBatch([name, fn]: Named, wording: LintWording): LintFinding[] {
  return fn.ops
    .filter((op) => !op.batch && op.name in SQLITE_CANNOT)
    .map((op) => ({
      rule: 'sqlite-needs-batch',
      // SQLite 3.35+ drops a plain column with ALTER, so autogenerate's own drop runs: a choice to confirm, not a fault; the rest cannot run at all.
      severity: op.name === 'drop_column' ? 'info' : 'error',
      line: op.line,
      message: `${name}() calls op.${op.name} on ${label(op)} outside batch mode, and SQLite's ALTER TABLE cannot ${SQLITE_CANNOT[op.name]}.`,
      suggestion: `Move it into a batch block${wording.batch}: with op.batch_alter_table('${op.table ?? 'TABLE'}', schema=None) as batch_op: batch_op.${op.name}(...) without the table argument.`,
    }));
}
