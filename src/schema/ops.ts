import { diffSchemas, isUnnamed, type SchemaChange } from './diff.js';
import type { Column, EngineName, Schema, Table } from './model.js';

/**
 * The Alembic operation that closes one schema difference, ready to paste into the migration:
 * it turns the `actual` side (the migrated database) into the `expected` one (the models, or
 * the database before the upgrade). On SQLite it is written in batch mode, the only way
 * Alembic alters a table there; a compound statement on one line is still valid Python.
 */

const quote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const names = (columns: string[]): string => `[${columns.map(quote).join(', ')}]`;

/** Types as a database reports them, in SQLAlchemy's generic spelling where there is one. */
const GENERIC: [RegExp, (args: string[]) => string][] = [
  [/^(varchar|character varying|nvarchar|string)$/, ([n]) => (n ? `sa.String(length=${n})` : 'sa.String()')],
  [/^(char|character|nchar)$/, ([n]) => (n ? `sa.CHAR(length=${n})` : 'sa.CHAR()')],
  [/^(text|clob|mediumtext|longtext|tinytext)$/, () => 'sa.Text()'],
  [/^(integer|int|int4|mediumint)$/, () => 'sa.Integer()'],
  [/^(bigint|int8)$/, () => 'sa.BigInteger()'],
  [/^(smallint|int2)$/, () => 'sa.SmallInteger()'],
  [/^(boolean|bool)$/, () => 'sa.Boolean()'],
  [/^(datetime|timestamp|timestamp without time zone)$/, () => 'sa.DateTime()'],
  [/^(timestamp with time zone|timestamptz)$/, () => 'sa.DateTime(timezone=True)'],
  [/^date$/, () => 'sa.Date()'],
  [/^(time|time without time zone)$/, () => 'sa.Time()'],
  [/^(numeric|decimal)$/, ([p, s]) => (p ? `sa.Numeric(precision=${p}${s ? `, scale=${s}` : ''})` : 'sa.Numeric()')],
  [/^(float|real|double|double precision|float8|float4)$/, () => 'sa.Float()'],
  [/^(blob|bytea|longblob|largebinary|varbinary|binary)$/, () => 'sa.LargeBinary()'],
];

/**
 * A database type as SQLAlchemy code: "VARCHAR(200)" → sa.String(length=200), MySQL's "tinyint(1)" → sa.Boolean().
 * A type SQLAlchemy has no name for is NullType, not a comment: the op must stay one valid line.
 */
export function saType(type: string): string {
  const found = /^\s*([A-Za-z][\w ]*?)\s*(?:\(([^)]*)\))?\s*(unsigned)?\s*$/i.exec(type);
  if (!found) return 'sa.types.NullType()';
  const name = found[1]!.toLowerCase();
  const args = (found[2] ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (name === 'tinyint' && args[0] === '1') return 'sa.Boolean()';
  const generic = GENERIC.find(([pattern]) => pattern.test(name));
  if (generic) return generic[1](args);
  const upper = name.toUpperCase().replace(/ /g, '_');
  return /^[A-Z_]+$/.test(upper) ? `sa.${upper}(${args.join(', ')})` : 'sa.types.NullType()';
}

const serverDefault = (value: string | null): string => (value === null ? 'None' : `sa.text(${JSON.stringify(value)})`);

/** sa.Column(...) as autogenerate writes it. */
export function saColumn(column: Column): string {
  const parts = [quote(column.name), saType(column.type), `nullable=${column.nullable ? 'True' : 'False'}`];
  if (column.default !== null) parts.push(`server_default=${serverDefault(column.default)}`);
  if (column.primaryKey) parts.push('primary_key=True');
  return `sa.Column(${parts.join(', ')})`;
}

/** One op on `table`: op.NAME('table', ARGS) elsewhere, batch_op.NAME(ARGS) in a batch block on SQLite. */
function tableOp(engine: EngineName, table: string, name: string, args: string[], tableArgPosition = 0): string {
  if (engine !== 'sqlite') {
    const withTable = [...args];
    withTable.splice(tableArgPosition, 0, quote(table));
    return `op.${name}(${withTable.join(', ')})`;
  }
  return `with op.batch_alter_table(${quote(table)}) as batch_op: batch_op.${name}(${args.join(', ')})`;
}

const findTable = (schema: Schema, name: string): Table | undefined => schema.tables.find((t) => t.name === name);
const listed = (columns: string[]): string => `(${columns.join(', ')})`;

function tableFix(change: SchemaChange, expected: Schema): string | null {
  if (change.kind === 'table-added') return `op.drop_table(${quote(change.table)})`;
  const table = findTable(expected, change.table);
  if (!table) return null;
  const constraints = [
    ...table.uniques.map((u) => `sa.UniqueConstraint(${u.columns.map(quote).join(', ')}${u.name ? `, name=${quote(u.name)}` : ''})`),
    ...table.foreignKeys.map((fk) => foreignKeyConstraint(fk.columns, fk.refTable, fk.refColumns, fk.onDelete, fk.name)),
  ];
  return `op.create_table(${[quote(change.table), ...table.columns.map(saColumn), ...constraints].join(', ')})`;
}

const ACTIONLESS = new Set(['', 'NO ACTION']);

function foreignKeyConstraint(columns: string[], refTable: string, refColumns: string[], onDelete: string, name: string | null): string {
  const parts = [names(columns), names(refColumns.map((c) => `${refTable}.${c}`))];
  if (!ACTIONLESS.has(onDelete.toUpperCase())) parts.push(`ondelete=${quote(onDelete.toUpperCase())}`);
  if (name) parts.push(`name=${quote(name)}`);
  return `sa.ForeignKeyConstraint(${parts.join(', ')})`;
}

function columnFix(change: SchemaChange, expected: Schema, actual: Schema, engine: EngineName): string | null {
  const want = findTable(expected, change.table)?.columns.find((c) => c.name === change.object);
  const have = findTable(actual, change.table)?.columns.find((c) => c.name === change.object);
  if (change.kind === 'column-removed') return want ? tableOp(engine, change.table, 'add_column', [saColumn(want)]) : null;
  if (change.kind === 'column-added') return tableOp(engine, change.table, 'drop_column', [quote(change.object!)]);
  if (!want || !have) return null;
  const existing = `existing_type=${saType(have.type)}`;
  const set: Partial<Record<string, string>> = {
    type: `type_=${saType(want.type)}, ${existing}`,
    nullable: `${existing}, nullable=${want.nullable ? 'True' : 'False'}`,
    default: `${existing}, server_default=${serverDefault(want.default)}`,
  };
  const args = set[change.property ?? ''];
  return args ? tableOp(engine, change.table, 'alter_column', [quote(want.name), args]) : null;
}

function indexFix(change: SchemaChange, expected: Schema, engine: EngineName): string[] {
  const drop = engine === 'sqlite' ? tableOp(engine, change.table, 'drop_index', [quote(change.object!)]) : `op.drop_index(${quote(change.object!)}, table_name=${quote(change.table)})`;
  if (change.kind === 'index-added') return [drop];
  const index = findTable(expected, change.table)?.indexes.find((i) => i.name === change.object);
  if (!index) return [];
  const create = tableOp(engine, change.table, 'create_index', [quote(index.name), names(index.columns), `unique=${index.unique ? 'True' : 'False'}`], 1);
  return change.kind === 'index-changed' ? [drop, create] : [create];
}

function constraintFix(change: SchemaChange, expected: Schema, engine: EngineName): string | null {
  const table = findTable(expected, change.table);
  const named = isUnnamed(change.object) ? null : change.object!;
  const type = change.kind.startsWith('unique') ? 'unique' : change.kind.startsWith('foreign') ? 'foreignkey' : 'check';
  // An unnamed constraint cannot be dropped by name; misses.ts says how to give it one.
  if (change.kind.endsWith('-added')) return named ? tableOp(engine, change.table, 'drop_constraint', [quote(named), `type_=${quote(type)}`], 1) : null;
  // Batch mode refuses a constraint without a name, so an unnamed one gets the name a common naming_convention would give it.
  const name = (generated: string): string => quote(named ?? generated);
  if (change.kind === 'unique-removed') {
    const unique = table?.uniques.find((u) => (u.name ?? listed(u.columns)) === change.object || listed(u.columns) === change.object);
    return unique ? tableOp(engine, change.table, 'create_unique_constraint', [name(`uq_${change.table}_${unique.columns.join('_')}`), names(unique.columns)], 1) : null;
  }
  if (change.kind === 'foreign-key-removed') {
    const fk = table?.foreignKeys.find((f) => f.name === change.object || `${listed(f.columns)} → ${f.refTable}` === change.object);
    if (!fk) return null;
    const action = ACTIONLESS.has(fk.onDelete.toUpperCase()) ? [] : [`ondelete=${quote(fk.onDelete.toUpperCase())}`];
    const fkName = name(`fk_${change.table}_${fk.columns.join('_')}_${fk.refTable}`);
    return tableOp(engine, change.table, 'create_foreign_key', [fkName, quote(fk.refTable), names(fk.columns), names(fk.refColumns), ...action], 1);
  }
  const checkConstraint = table?.checks.find((c) => c.name === change.object || `CHECK (${c.expression})` === change.object);
  return checkConstraint ? tableOp(engine, change.table, 'create_check_constraint', [name(`ck_${change.table}`), JSON.stringify(checkConstraint.expression)], 1) : null;
}

/** The operations that close one difference, in order; none where no single op does (a changed primary key). */
export function closingOps(change: SchemaChange, expected: Schema, actual: Schema): string[] {
  const engine = actual.engine;
  const one = (op: string | null): string[] => (op === null ? [] : [op]);
  if (change.kind.startsWith('table-')) return one(tableFix(change, expected));
  if (change.kind.startsWith('column-')) return one(columnFix(change, expected, actual, engine));
  if (change.kind.startsWith('index-')) return indexFix(change, expected, engine);
  return one(constraintFix(change, expected, engine));
}

const mirrored = (kind: SchemaChange['kind']): string => kind.replace(/-(added|removed)$/, (_, side: string) => (side === 'added' ? '-removed' : '-added'));

/** The operations that undo `closingOps` of a change: what downgrade() needs once upgrade() has them. */
export function undoingOps(change: SchemaChange, expected: Schema, actual: Schema): string[] {
  const back = diffSchemas(actual, expected).find((c) => c.kind === mirrored(change.kind) && c.table === change.table && c.object === change.object && c.property === change.property);
  return back ? closingOps(back, actual, expected) : [];
}
