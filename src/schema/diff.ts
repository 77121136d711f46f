import type { CheckConstraint, Column, EngineName, ForeignKey, Index, Schema, Table, UniqueConstraint } from './model.js';

/**
 * Compares two schemas as the differences between what was expected and what a
 * database actually has: "added" means only `actual` has it, "removed" only `expected`.
 * Both sides are normalised first, so that spellings the database is free to choose
 * (column order, type case, redundant parentheses, generated names) are not differences.
 */

export type ChangeKind =
  | 'table-added'
  | 'table-removed'
  | 'column-added'
  | 'column-removed'
  | 'column-changed'
  | 'index-added'
  | 'index-removed'
  | 'index-changed'
  | 'unique-added'
  | 'unique-removed'
  | 'foreign-key-added'
  | 'foreign-key-removed'
  | 'check-added'
  | 'check-removed';

export type ColumnProperty = 'type' | 'nullable' | 'default' | 'primaryKey';
export type IndexProperty = 'columns' | 'unique';

/** One difference; `before` is the expected side, `after` the actual one, both as people read them. */
export interface SchemaChange {
  kind: ChangeKind;
  table: string;
  /** The column, index or constraint: its name, or a description of an unnamed one. */
  object?: string;
  property?: ColumnProperty | IndexProperty;
  before?: string;
  after?: string;
  message: string;
}

/** Names an engine uses for the same type, mapped to one spelling. */
const TYPE_ALIASES: Partial<Record<EngineName, Record<string, string>>> = {
  sqlite: { int: 'integer', bool: 'boolean' },
  // format_type's long names and the short ones DDL uses.
  postgres: {
    int: 'integer',
    int4: 'integer',
    int2: 'smallint',
    int8: 'bigint',
    bool: 'boolean',
    'character varying': 'varchar',
    character: 'char',
    float8: 'double precision',
    float4: 'real',
    decimal: 'numeric',
  },
  // What MariaDB turns these into when it creates the column.
  mysql: { integer: 'int', bool: 'tinyint(1)', boolean: 'tinyint(1)', numeric: 'decimal', dec: 'decimal', 'double precision': 'double', real: 'double' },
};

/** Rewrites after the aliases, for spellings that are more than a name. */
const TYPE_REWRITES: Partial<Record<EngineName, [RegExp, string][]>> = {
  postgres: [
    [/^(timestamp|time)(\(\d+\))? ?without time zone$/, '$1$2'],
    [/^(timestamp|time)(\(\d+\))? ?with time zone$/, '$1tz$2'],
  ],
  // An integer's display width (int(11)) changes nothing but how old clients pad it; TINYINT(1) is how MariaDB spells BOOLEAN.
  mysql: [
    [/^(smallint|mediumint|int|bigint)\(\d+\)/, '$1 '],
    [/^tinyint\((?!1\))\d+\)/, 'tinyint '],
  ],
};

/** SQL text in one spelling: lower case and no optional spaces outside string literals, simple identifiers unquoted. */
function normalizeSql(text: string): string {
  return text
    .split(/('(?:[^']|'')*')/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/["`[]([A-Za-z_][\w$]*)["`\]]/g, '$1')
            .toLowerCase()
            .replace(/\s+/g, ' ')
            .replace(/ ?([^\w\s']) ?/g, '$1'),
    )
    .join('')
    .trim();
}

/** Drops parentheses around the whole text, however many: "((0))" is "0". */
function stripOuterParens(text: string): string {
  let result = text;
  while (result.startsWith('(') && closingParen(result) === result.length - 1) result = result.slice(1, -1).trim();
  return result;
}

/** Index of the ")" matching the "(" at 0, skipping string literals. */
function closingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") i = text.indexOf("'", i + 1) < 0 ? text.length : text.indexOf("'", i + 1);
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

function normalizeType(type: string, engine: EngineName): string {
  const text = normalizeSql(type);
  const base = /^[^(]*/.exec(text)?.[0] ?? text;
  const alias = TYPE_ALIASES[engine]?.[base];
  const rewrites = TYPE_REWRITES[engine] ?? [];
  return rewrites.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), alias ? alias + text.slice(base.length) : text).trim();
}

/**
 * A default in one spelling; NULL is no default, and a quoted number is that number.
 * On the servers, also: PostgreSQL's casts of a literal ('abc'::character varying is
 * 'abc'), one spelling of the current time (now(), current_timestamp()), and a number
 * as its value (MariaDB shows -1 on a DECIMAL(5,2) as -1.00).
 */
function normalizeDefault(value: string | null, engine: EngineName): string | null {
  if (value === null) return null;
  let text = stripOuterParens(normalizeSql(value));
  if (engine !== 'sqlite') {
    text = text.replace(/^('(?:[^']|'')*'|null|true|false|-?\d+(?:\.\d+)?)(?:::[a-z_][a-z0-9_ ]*(?:\([\d,]+\))?(?:\[\])?)+$/, '$1');
    text = stripOuterParens(text).replace(/^(now\(\)|current_timestamp\(\))$/, 'current_timestamp');
  }
  if (text === 'null') return null;
  const number = /^'?(-?\d+(\.\d+)?)'?$/.exec(text);
  if (number && engine !== 'sqlite') return String(Number(number[1]));
  return /^'-?\d+(\.\d+)?'$/.test(text) ? text.slice(1, -1) : text;
}

const normalizeExpression = (expression: string): string => stripOuterParens(normalizeSql(expression));
const list = (columns: string[]): string => `(${columns.join(', ')})`;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether the database made this name up itself rather than being given it. */
function generatedName(name: string | null, engine: EngineName, table: string, columns: string[]): boolean {
  if (name === null) return true;
  const patterns: Record<EngineName, RegExp> = {
    sqlite: /^sqlite_autoindex_/,
    // PostgreSQL: <table>_<columns>_key, _idx, _fkey, _check, with a number when taken.
    postgres: new RegExp(`^${escape(table)}_(.+_)?(key|idx|fkey|check)\\d*$`),
    // MySQL: an index named after its first column; <table>_ibfk_<n> and <table>_chk_<n> for constraints; MariaDB: CONSTRAINT_<n> for a CHECK.
    mysql: new RegExp(`^(${escape(columns[0] ?? '')}(_\\d+)?|${escape(table)}_(ibfk|chk)_\\d+|CONSTRAINT_\\d+)$`),
  };
  return patterns[engine].test(name);
}

/** Pairs items of `expected` with items of `actual` that `same` accepts; the rest were removed or added. */
function pair<T>(expected: T[], actual: T[], same: (a: T, b: T) => boolean): { pairs: [T, T][]; removed: T[]; added: T[] } {
  const left = [...actual];
  const pairs: [T, T][] = [];
  const removed: T[] = [];
  for (const item of expected) {
    const at = left.findIndex((candidate) => same(item, candidate));
    if (at < 0) removed.push(item);
    else pairs.push([item, ...left.splice(at, 1)] as [T, T]);
  }
  return { pairs, removed, added: left };
}

const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((item, i) => item === b[i]);

/** The two sides of one table, with what each side's engine needs for normalising. */
interface Sides {
  table: string;
  expected: Table;
  actual: Table;
  engines: [EngineName, EngineName];
}

const describeColumn = (column: Column): string =>
  [column.type || '(no type)', column.nullable ? 'NULL' : 'NOT NULL', column.default === null ? '' : `DEFAULT ${column.default}`, column.primaryKey ? 'PRIMARY KEY' : '']
    .filter(Boolean)
    .join(' ');

const COLUMN_PROPERTIES: { property: ColumnProperty; label: string; show: (c: Column) => string }[] = [
  { property: 'type', label: 'type', show: (c) => c.type || '(no type)' },
  { property: 'nullable', label: 'nullable', show: (c) => (c.nullable ? 'NULL' : 'NOT NULL') },
  { property: 'default', label: 'default', show: (c) => c.default ?? 'none' },
  { property: 'primaryKey', label: 'primary key', show: (c) => (c.primaryKey ? 'yes' : 'no') },
];

function diffColumns({ table, expected, actual, engines: [e, a] }: Sides): SchemaChange[] {
  const equal: Record<ColumnProperty, (x: Column, y: Column) => boolean> = {
    type: (x, y) => normalizeType(x.type, e) === normalizeType(y.type, a),
    nullable: (x, y) => x.nullable === y.nullable,
    default: (x, y) => normalizeDefault(x.default, e) === normalizeDefault(y.default, a),
    primaryKey: (x, y) => x.primaryKey === y.primaryKey,
  };
  const { pairs, removed, added } = pair(expected.columns, actual.columns, (x, y) => x.name === y.name);
  return [
    ...removed.map((c): SchemaChange => ({ kind: 'column-removed', table, object: c.name, before: describeColumn(c), message: `${table}.${c.name}: column removed` })),
    ...added.map((c): SchemaChange => ({ kind: 'column-added', table, object: c.name, after: describeColumn(c), message: `${table}.${c.name}: column added` })),
    ...pairs.flatMap(([x, y]) =>
      COLUMN_PROPERTIES.filter(({ property }) => !equal[property](x, y)).map(
        ({ property, label, show }): SchemaChange => ({
          kind: 'column-changed',
          table,
          object: x.name,
          property,
          before: show(x),
          after: show(y),
          message: `${table}.${x.name}: ${label} changed from ${show(x)} to ${show(y)}`,
        }),
      ),
    ),
  ];
}

const describeIndex = (index: Index): string => `${list(index.columns)}${index.unique ? ' unique' : ''}`;

function diffIndexes({ table, expected, actual, engines: [e, a] }: Sides): SchemaChange[] {
  const byName = pair(expected.indexes, actual.indexes, (x, y) => x.name === y.name);
  const generated = (index: Index, engine: EngineName): boolean => generatedName(index.name, engine, table, index.columns);
  // An index whose name either side generated is the same index when its shape is.
  const byShape = pair(byName.removed, byName.added, (x, y) => (generated(x, e) || generated(y, a)) && x.unique === y.unique && sameList(x.columns, y.columns));
  const changed = (x: Index, y: Index): SchemaChange[] => {
    const changes: SchemaChange[] = [];
    const note = (property: IndexProperty, before: string, after: string): void => {
      changes.push({ kind: 'index-changed', table, object: x.name, property, before, after, message: `${table}.${x.name}: index ${property} changed from ${before} to ${after}` });
    };
    if (!sameList(x.columns, y.columns)) note('columns', list(x.columns), list(y.columns));
    const uniqueness = (index: Index): string => (index.unique ? 'unique' : 'not unique');
    if (x.unique !== y.unique) note('unique', uniqueness(x), uniqueness(y));
    return changes;
  };
  return [
    ...byShape.removed.map((i): SchemaChange => ({ kind: 'index-removed', table, object: i.name, before: describeIndex(i), message: `${table}.${i.name}: index removed` })),
    ...byShape.added.map((i): SchemaChange => ({ kind: 'index-added', table, object: i.name, after: describeIndex(i), message: `${table}.${i.name}: index added` })),
    ...byName.pairs.flatMap(([x, y]) => changed(x, y)),
  ];
}

/** Constraints are compared by what they do; their names only when both sides chose one. */
interface Constraint {
  name: string | null;
  key: string;
  /** What identifies an unnamed one in the object column. */
  short: string;
  label: string;
  generated: boolean;
}

function diffConstraints(
  table: string,
  expected: Constraint[],
  actual: Constraint[],
  kinds: { added: ChangeKind; removed: ChangeKind; noun: string },
): SchemaChange[] {
  const named = (c: Constraint): boolean => c.name !== null && !c.generated;
  const { removed, added } = pair(expected, actual, (x, y) => x.key === y.key && (!named(x) || !named(y) || x.name === y.name));
  const change = (c: Constraint, kind: ChangeKind, side: 'before' | 'after', verb: string): SchemaChange => ({
    kind,
    table,
    object: c.name ?? c.short,
    [side]: c.label,
    message: c.name === null ? `${table}: ${kinds.noun} ${c.label} ${verb}` : `${table}.${c.name}: ${kinds.noun} ${verb}`,
  });
  return [...removed.map((c) => change(c, kinds.removed, 'before', 'removed')), ...added.map((c) => change(c, kinds.added, 'after', 'added'))];
}

const uniqueConstraint = (table: string, engine: EngineName) => (u: UniqueConstraint): Constraint => ({
  name: u.name,
  key: list(u.columns),
  short: list(u.columns),
  label: `UNIQUE ${list(u.columns)}`,
  generated: generatedName(u.name, engine, table, u.columns),
});

const foreignKey = (table: string, engine: EngineName) => (fk: ForeignKey): Constraint => {
  // MySQL reports RESTRICT for a foreign key declared without actions, and enforces the two alike.
  const none = (value: string): boolean => value === '' || value === 'NO ACTION' || (engine === 'mysql' && value === 'RESTRICT');
  const action = (verb: string, value: string): string => (none(value.toUpperCase()) ? '' : ` ON ${verb} ${value.toUpperCase()}`);
  const label = `${list(fk.columns)} → ${fk.refTable}${list(fk.refColumns)}${action('DELETE', fk.onDelete)}${action('UPDATE', fk.onUpdate)}`;
  return { name: fk.name, key: label, short: `${list(fk.columns)} → ${fk.refTable}`, label, generated: generatedName(fk.name, engine, table, fk.columns) };
};

const check = (table: string, engine: EngineName) => (c: CheckConstraint): Constraint => ({
  name: c.name,
  key: normalizeExpression(c.expression),
  short: `CHECK (${c.expression})`,
  label: `CHECK (${c.expression})`,
  generated: generatedName(c.name, engine, table, []),
});

function diffTable(sides: Sides): SchemaChange[] {
  const { table, expected, actual, engines: [e, a] } = sides;
  return [
    ...diffColumns(sides),
    ...diffIndexes(sides),
    ...diffConstraints(table, expected.uniques.map(uniqueConstraint(table, e)), actual.uniques.map(uniqueConstraint(table, a)), {
      added: 'unique-added',
      removed: 'unique-removed',
      noun: 'unique constraint',
    }),
    ...diffConstraints(table, expected.foreignKeys.map(foreignKey(table, e)), actual.foreignKeys.map(foreignKey(table, a)), {
      added: 'foreign-key-added',
      removed: 'foreign-key-removed',
      noun: 'foreign key',
    }),
    ...diffConstraints(table, expected.checks.map(check(table, e)), actual.checks.map(check(table, a)), {
      added: 'check-added',
      removed: 'check-removed',
      noun: 'check constraint',
    }),
  ];
}

/** The differences between the schema a database should have and the one it has, table by table. */
export function diffSchemas(expected: Schema, actual: Schema): SchemaChange[] {
  const names = [...new Set([...expected.tables, ...actual.tables].map((t) => t.name))].sort();
  return names.flatMap((table): SchemaChange[] => {
    const x = expected.tables.find((t) => t.name === table);
    const y = actual.tables.find((t) => t.name === table);
    const columns = (t: Table): string => list(t.columns.map((c) => c.name));
    if (!y) return [{ kind: 'table-removed', table, before: columns(x as Table), message: `${table}: table removed` }];
    if (!x) return [{ kind: 'table-added', table, after: columns(y), message: `${table}: table added` }];
    return diffTable({ table, expected: x, actual: y, engines: [expected.engine, actual.engine] });
  });
}
