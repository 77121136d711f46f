import type { CheckConstraint, Column, EngineName, ForeignKey, Index, Schema, Table, UniqueConstraint } from './model.js';
import { generatedName, normalizeDefault, normalizeExpression, normalizeType } from './normalize.js';

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

const list = (columns: string[]): string => `(${columns.join(', ')})`;

/** Whether a change's object is a constraint the database keeps no name for, which the diff names by its columns or expression instead. */
export const isUnnamed = (object: string | undefined): boolean => object === undefined || /^(\(|CHECK \()/.test(object);

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
