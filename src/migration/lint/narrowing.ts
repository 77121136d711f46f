import type { MigrationFunction } from '../script.js';
import { narrowing, typeShape } from '../../schema/type-shape.js';
import { label, typeBefore, type FunctionName, type LintContext, type LintFinding } from './types.js';

/** alter_column to a type that holds less: SQLite ignores lengths, so only the server engines cut or refuse the values. */
export function narrowingType(name: FunctionName, fn: MigrationFunction, context: LintContext): LintFinding[] {
  return fn.ops.flatMap((op): LintFinding[] => {
    if (op.name !== 'alter_column' || typeof op.args.type_ !== 'string') return [];
    // The base database describes the columns before upgrade(), not before downgrade().
    const before = name === 'upgrade' ? typeBefore(context, op.table, op.column, op.args.existing_type) : typeof op.args.existing_type === 'string' ? op.args.existing_type : null;
    const from = typeShape(before ?? '');
    const to = typeShape(op.args.type_);
    const cut = from && to ? narrowing(from, to) : null;
    if (!cut) return [];
    return [{
      rule: 'narrowing-type',
      // A downgrade that narrows back undoes a widening, which is correct; only values written since the upgrade can be cut.
      severity: name === 'upgrade' ? 'error' : 'info',
      line: op.line,
      message: `${name}() narrows ${label(op)} from ${before} to ${op.args.type_} (${cut}): values that do not fit are truncated or refused on PostgreSQL and MariaDB, while SQLite ignores lengths and lets them through.`,
      suggestion: `Keep the wider type (change the model back), or shorten the values first with op.execute("UPDATE ${op.table ?? 'TABLE'} SET ...") before this alter_column; if every value is known to fit, say so with "# devdb: ignore narrowing-type" on this line.`,
    }];
  });
}
