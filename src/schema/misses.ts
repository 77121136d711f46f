import { isUnnamed, type SchemaChange } from './diff.js';
import type { EngineName } from './model.js';
import { typeShape } from './type-shape.js';

/** A difference autogenerate leaves by design, and the setting or op that closes it. */
export interface Miss {
  table: string;
  object?: string;
  reason: string;
  fix: string;
}

export interface MissContext {
  engine: EngineName;
  /** The text of the project's env.py; null when devdb could not read it. */
  envPy: string | null;
}

const COMPARES_DEFAULTS = /compare_server_default\s*=\s*True/;
const ENUM = /^enum\s*\(/i;
/** A CHECK that lists values: how SQLite, and SQLAlchemy without a native enum, keep an Enum. */
const VALUE_LIST = /\bIN\s*\(/i;

const typeOf = (described: string | undefined): string => (described ?? '').replace(/\s+(NOT NULL|NULL|DEFAULT .*|PRIMARY KEY)+.*$/, '');

function defaults(change: SchemaChange, context: MissContext): Miss | null {
  if (change.kind !== 'column-changed' || change.property !== 'default' || (context.envPy !== null && COMPARES_DEFAULTS.test(context.envPy))) return null;
  const where = context.envPy === null ? 'unless env.py passes compare_server_default=True' : 'because env.py does not pass compare_server_default=True';
  return {
    table: change.table,
    object: change.object,
    reason: `autogenerate leaves server_default changes out ${where} to context.configure()`,
    fix: 'add compare_server_default=True to both context.configure(...) calls in env.py and autogenerate again, or write the alter_column with server_default= by hand',
  };
}

function enums(change: SchemaChange): Miss | null {
  const enumType = change.kind === 'column-changed' && change.property === 'type' && ENUM.test(change.before ?? '') && ENUM.test(change.after ?? '');
  const enumCheck = (change.kind === 'check-added' || change.kind === 'check-removed') && VALUE_LIST.test(change.before ?? change.after ?? '');
  if (!enumType && !enumCheck) return null;
  return {
    table: change.table,
    object: change.object,
    reason: 'autogenerate does not compare the values of an Enum, so adding or removing one writes no operation',
    fix: "write it by hand: op.alter_column(..., type_=sa.Enum(...new values...), existing_type=sa.Enum(...old values...)) in batch mode on SQLite and MySQL, or op.execute(\"ALTER TYPE name ADD VALUE 'new'\") on PostgreSQL",
  };
}

/** A column the models have and one the migrated database has instead, in one table, of the same kind: a rename nobody wrote. */
function renames(changes: SchemaChange[], context: MissContext): Miss[] {
  const misses: Miss[] = [];
  for (const wanted of changes.filter((c) => c.kind === 'column-removed')) {
    const shape = typeShape(typeOf(wanted.before));
    const other = changes.find((c) => c.kind === 'column-added' && c.table === wanted.table && shape !== null && typeShape(typeOf(c.after))?.family === shape.family);
    if (!other) continue;
    const op = context.engine === 'sqlite'
      ? `with op.batch_alter_table('${wanted.table}') as batch_op: batch_op.alter_column('${other.object}', new_column_name='${wanted.object}')`
      : `op.alter_column('${wanted.table}', '${other.object}', new_column_name='${wanted.object}')`;
    misses.push({
      table: wanted.table,
      object: wanted.object,
      reason: `this looks like a rename of ${wanted.table}.${other.object} to ${wanted.object}, which autogenerate cannot see (it writes a drop and an add, losing the values)`,
      fix: op,
    });
  }
  return misses;
}

function anonymous(change: SchemaChange, context: MissContext): Miss | null {
  const constraint = /^(unique|foreign-key|check)-/.test(change.kind);
  const unnamed = isUnnamed(change.object);
  if (context.engine !== 'sqlite' || !constraint || !unnamed) return null;
  return {
    table: change.table,
    object: change.object,
    reason: 'SQLite keeps no name for this constraint, so autogenerate cannot compare or drop it and batch mode cannot find it',
    fix: "name it: a naming_convention on the models' MetaData (e.g. {'uq': 'uq_%(table_name)s_%(column_0_name)s', 'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s', 'ck': 'ck_%(table_name)s_%(constraint_name)s'}), then create or drop it by that name in batch mode",
  };
}

/** What autogenerate misses by design among the differences of a comparison with the models. */
export function autogenerateMisses(changes: SchemaChange[], context: MissContext): Miss[] {
  const single = changes.flatMap((change) => [defaults(change, context), enums(change), anonymous(change, context)].filter((m): m is Miss => m !== null));
  return [...single, ...renames(changes, context)];
}
