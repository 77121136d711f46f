import type { CheckConstraint, Column, ForeignKey, Index, Schema, Table, UniqueConstraint } from '../../schema/model.js';
import type { Inspector } from '../engine.js';
import type { Query } from '../server/connection.js';
import { quoteBacktick } from '../sql.js';

/**
 * Reads a MariaDB database into the neutral schema model from information_schema, after
 * Atlas's sql/mysql/inspect.go: the tables of the connection's database, one query per
 * object kind and table. Types are COLUMN_TYPE's spelling and defaults COLUMN_DEFAULT's;
 * the diff compares those loosely. Decided here, because they are not spellings:
 *
 * - AUTO_INCREMENT is no default but `autoincrement`, as PostgreSQL's SERIAL is;
 * - MariaDB has no UNIQUE constraint apart from a unique index, so every unique index
 *   is a UNIQUE constraint here (`uniques`) and `indexes` holds the non-unique ones,
 *   however either was created;
 * - InnoDB makes an index for a foreign key that has none, named after the constraint
 *   or its first column. Nobody asked for it, so it is left out when it covers exactly
 *   the key's columns: the index list is the one the migrations created, as on PostgreSQL;
 * - a JSON column is LONGTEXT with a CHECK (json_valid(…)) MariaDB adds by itself: the
 *   column's type is "json" and that CHECK is left out;
 * - a CHECK written on a column is named after the column by MariaDB: its name is null.
 */

/** The user tables of the current database, not Alembic's alembic_version. */
export const tableNames = async (query: Query): Promise<string[]> =>
  (
    await query<{ name: string }>(
      'querying tables',
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> 'alembic_version' ORDER BY TABLE_NAME`,
    )
  ).map((row) => row.name);

interface CheckRow {
  name: string;
  level: string;
  clause: string;
}

/** The CHECK MariaDB adds to a JSON column. */
const isJsonCheck = (row: CheckRow): boolean => row.level === 'Column' && row.clause === `json_valid(${quoteBacktick(row.name)})`;

async function columns(query: Query, table: string, jsonColumns: Set<string>): Promise<Column[]> {
  type Row = { name: string; type: string; nullable: string; default: string | null; key: string; extra: string };
  const rows = await query<Row>(
    `querying "${table}" columns`,
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS \`default\`, COLUMN_KEY AS \`key\`, EXTRA AS extra
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  );
  return rows.map((row) => {
    const extra = row.extra.toLowerCase();
    const attributes: Record<string, string> = {};
    if (extra.includes('auto_increment')) attributes.autoincrement = 'true';
    const generated = /(virtual|stored|persistent) generated/.exec(extra)?.[1];
    if (generated) attributes.generated = generated === 'virtual' ? 'virtual' : 'stored';
    return {
      name: row.name,
      type: jsonColumns.has(row.name) ? 'json' : row.type,
      nullable: row.nullable === 'YES',
      // MariaDB says NULL (the word) for a nullable column without a default; a string 'NULL' comes quoted.
      default: row.default === 'NULL' || generated ? null : row.default,
      primaryKey: row.key === 'PRI',
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    };
  });
}

interface IndexRow {
  name: string;
  unique: boolean;
  columns: string[];
}

async function indexRows(query: Query, table: string): Promise<IndexRow[]> {
  type Row = { name: string; non_unique: number; column: string | null };
  const rows = await query<Row>(
    `querying "${table}" indexes`,
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS \`column\` FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table],
  );
  const byName = new Map<string, IndexRow>();
  for (const row of rows) {
    const index = byName.get(row.name) ?? { name: row.name, unique: Number(row.non_unique) === 0, columns: [] };
    // An expression part of an index has no column name.
    index.columns.push(row.column ?? '<expression>');
    byName.set(row.name, index);
  }
  return [...byName.values()];
}

const sameColumns = (a: string[], b: string[]): boolean => a.length === b.length && a.every((name, i) => name === b[i]);

/** Whether InnoDB made `index` for `fk` by itself: named after the constraint or the first column, on exactly its columns. */
const madeFor = (index: IndexRow, fk: ForeignKey): boolean =>
  !index.unique && sameColumns(index.columns, fk.columns) && (index.name === fk.name || new RegExp(`^${(fk.columns[0] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(_\\d+)?$`).test(index.name));

const indexes = (rows: IndexRow[], fks: ForeignKey[]): Index[] =>
  rows.filter((row) => !row.unique && !fks.some((fk) => madeFor(row, fk))).map((row) => ({ name: row.name, columns: row.columns, unique: false }));

const uniques = (rows: IndexRow[]): UniqueConstraint[] => rows.filter((row) => row.unique).map((row) => ({ name: row.name, columns: row.columns }));

async function foreignKeys(query: Query, table: string): Promise<ForeignKey[]> {
  type Row = { name: string; column: string; ref_table: string; ref_column: string; on_delete: string; on_update: string };
  const rows = await query<Row>(
    `querying "${table}" foreign keys`,
    `SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS \`column\`, k.REFERENCED_TABLE_NAME AS ref_table, k.REFERENCED_COLUMN_NAME AS ref_column,
            r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
     ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [table],
  );
  const byName = new Map<string, ForeignKey>();
  for (const row of rows) {
    const fk = byName.get(row.name) ?? {
      name: row.name,
      columns: [],
      refTable: row.ref_table,
      refColumns: [],
      onDelete: row.on_delete.toUpperCase(),
      onUpdate: row.on_update.toUpperCase(),
    };
    fk.columns.push(row.column);
    fk.refColumns.push(row.ref_column);
    byName.set(row.name, fk);
  }
  return [...byName.values()];
}

const checkRows = (query: Query, table: string): Promise<CheckRow[]> =>
  query<CheckRow>(
    `querying "${table}" checks`,
    `SELECT CONSTRAINT_NAME AS name, LEVEL AS level, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
     WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME`,
    [table],
  );

const checks = (rows: CheckRow[]): CheckConstraint[] =>
  rows.filter((row) => !isJsonCheck(row)).map((row) => ({ name: row.level === 'Column' ? null : row.name, expression: row.clause }));

async function inspectTable(query: Query, name: string): Promise<Table> {
  const checkList = await checkRows(query, name);
  const fks = await foreignKeys(query, name);
  const indexList = await indexRows(query, name);
  return {
    name,
    columns: await columns(query, name, new Set(checkList.filter(isJsonCheck).map((row) => row.name))),
    indexes: indexes(indexList, fks),
    uniques: uniques(indexList),
    foreignKeys: fks,
    checks: checks(checkList),
  };
}

/** Reads the database `query` runs in. */
export function mysqlInspector(query: Query): Inspector {
  return {
    async inspect(): Promise<Schema> {
      const tables: Table[] = [];
      for (const name of await tableNames(query)) tables.push(await inspectTable(query, name));
      return { engine: 'mysql', tables };
    },
  };
}

/** Rows per table with CHECKSUM TABLE, and the schema: what a write since the last look would change. */
export async function fingerprintMysql(query: Query): Promise<string[]> {
  const parts = [JSON.stringify(await mysqlInspector(query).inspect())];
  for (const name of await tableNames(query)) {
    const [count] = await query<{ n: number }>(`counting "${name}" rows`, `SELECT count(*) AS n FROM ${quoteBacktick(name)}`);
    const [sum] = await query<{ Checksum: number | null }>(`checksumming "${name}"`, `CHECKSUM TABLE ${quoteBacktick(name)} EXTENDED`);
    parts.push(`${name}:${count?.n}:${sum?.Checksum}`);
  }
  return parts;
}
