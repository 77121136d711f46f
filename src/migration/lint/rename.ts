import type { MigrationFunction, MigrationOp } from '../script.js';
import { typeShape } from '../../schema/type-shape.js';
import { typeBefore, type LintContext, type LintFinding } from './types.js';

/** What a rename written as drop + add found: the findings, and the drops they explain (so they are not reported twice). */
export interface Renames {
  findings: LintFinding[];
  drops: Set<MigrationOp>;
}

/** The type of a dropped column: the base database's, else the one downgrade() re-creates it with. */
function droppedType(op: MigrationOp, downgrade: MigrationFunction | null, context: LintContext): string | null {
  const readded = downgrade?.ops.find((o) => o.name === 'add_column' && o.table === op.table && o.column === op.column);
  return typeBefore(context, op.table, op.column, readded?.args.type_);
}

function renameOp(context: LintContext, table: string, from: string, to: string): string {
  return context.engine === 'sqlite'
    ? `with op.batch_alter_table('${table}') as batch_op: batch_op.alter_column('${from}', new_column_name='${to}')`
    : `op.alter_column('${table}', '${from}', new_column_name='${to}')`;
}

/**
 * Autogenerate cannot see a rename; it writes add_column(new) + drop_column(old), which keeps
 * every row and loses every value. A drop and an add of the same kind of type in one table is
 * most likely that.
 */
export function renameAsDropAdd(upgrade: MigrationFunction, downgrade: MigrationFunction | null, context: LintContext): Renames {
  const adds = upgrade.ops.filter((op) => op.name === 'add_column' && op.table !== null && op.column !== null);
  const findings: LintFinding[] = [];
  const drops = new Set<MigrationOp>();
  const addsItself = (drop: MigrationOp): boolean => adds.some((op) => op.table === drop.table && op.column === drop.column);
  // A column the same upgrade adds and drops again is scratch space, not a rename.
  for (const drop of upgrade.ops.filter((op) => op.name === 'drop_column' && op.table !== null && op.column !== null && !addsItself(op))) {
    const before = typeShape(droppedType(drop, downgrade, context) ?? '');
    if (!before) continue;
    const add = adds.find((op) => op.table === drop.table && typeof op.args.type_ === 'string' && typeShape(op.args.type_)?.family === before.family);
    if (!add) continue;
    adds.splice(adds.indexOf(add), 1);
    drops.add(drop);
    const [table, from, to] = [drop.table!, drop.column!, add.column!];
    findings.push({
      rule: 'rename-as-drop-add',
      severity: 'error',
      line: drop.line,
      message: `upgrade() drops ${table}.${from} and adds ${table}.${to} of the same kind of type: if this is a rename, every row keeps its place but loses its ${from} value.`,
      suggestion: `Replace the add_column and the drop_column with ${renameOp(context, table, from, to)}, and in downgrade() rename it back (${renameOp(context, table, to, from)}); if it really is a new column, say so with "# devdb: ignore rename-as-drop-add" on the drop_column line.`,
    });
  }
  return { findings, drops };
}
