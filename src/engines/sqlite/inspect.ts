import Database from 'better-sqlite3';
import { DevdbError, EXIT, usageError } from '../../errors.js';
import type { Column, ForeignKey, Index, Schema, Table, UniqueConstraint } from '../../schema/model.js';
import type { Inspector } from '../engine.js';
import { parseCreateTable, type TableDdl } from './ddl.js';

/**
 * Reads a SQLite database into the neutral schema model, after Atlas's
 * sql/sqlite/inspect.go: one function per object kind, one query each, and every
 * error naming the driver and the object.
 */

type Db = Database.Database;

/** Runs one query, naming the driver and the object in any error: `sqlite: querying "users" columns: …`. */
export function query<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DevdbError(`sqlite: ${what}: ${reason}`, { exitCode: EXIT.failed, cause: error });
  }
}

/** Opens an existing database file. */
export function openDatabase(file: string, options: { readonly: boolean }): Db {
  try {
    return new Database(file, { readonly: options.readonly, fileMustExist: true });
  } catch (error) {
    throw usageError(`sqlite: opening "${file}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Runs `use` on an open database and always closes it. */
export function withDatabase<T>(file: string, options: { readonly: boolean }, use: (db: Db) => T): T {
  const db = openDatabase(file, options);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

interface TableRow {
  name: string;
  wr: number;
  strict: number;
  sql: string | null;
}

/** The user tables: not SQLite's own (sqlite_%), and not Alembic's alembic_version. */
function tableRows(db: Db): TableRow[] {
  return query('querying tables', () =>
    db
      .prepare(
        `SELECT t.name, t.wr, t.strict, m.sql FROM pragma_table_list AS t
         JOIN sqlite_master AS m ON m.type = 'table' AND m.name = t.name
         WHERE t.schema = 'main' AND t.type = 'table'
           AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND t.name <> 'alembic_version'
         ORDER BY t.name`,
      )
      .all() as TableRow[],
  );
}

/** The names of the user tables, sorted. */
export const userTables = (db: Db): string[] => tableRows(db).map((row) => row.name);

const GENERATED: Record<number, string> = { 2: 'virtual', 3: 'stored' };

/** The per-table queries of an inspection, prepared once per connection: a schema of 40 tables runs each about 40 times. */
const PER_TABLE = {
  columns: 'SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid',
  indexList: 'SELECT name, "unique", origin FROM pragma_index_list(?) ORDER BY name',
  indexInfo: 'SELECT name FROM pragma_index_info(?) ORDER BY seqno',
  foreignKeys: 'SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id DESC, seq',
  parentColumns: 'SELECT name, pk FROM pragma_table_info(?) ORDER BY cid',
};
const prepared = new WeakMap<Db, Record<keyof typeof PER_TABLE, Database.Statement>>();

function statement(db: Db, which: keyof typeof PER_TABLE): Database.Statement {
  let all = prepared.get(db);
  if (!all) {
    all = Object.fromEntries(Object.entries(PER_TABLE).map(([key, sql]) => [key, db.prepare(sql)])) as Record<keyof typeof PER_TABLE, Database.Statement>;
    prepared.set(db, all);
  }
  return all[which];
}

function columns(db: Db, table: string): Column[] {
  type Row = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number };
  const rows = query(`querying "${table}" columns`, () =>
    statement(db, 'columns').all(table) as Row[],
  );
  return rows.map((row) => ({
    name: row.name,
    type: row.type,
    nullable: row.notnull === 0,
    default: row.dflt_value,
    primaryKey: row.pk > 0,
    ...(GENERATED[row.hidden] ? { attributes: { generated: GENERATED[row.hidden] as string } } : {}),
  }));
}

interface IndexRow {
  name: string;
  unique: number;
  origin: 'c' | 'u' | 'pk';
}

function indexRows(db: Db, table: string): (IndexRow & { columns: string[] })[] {
  return query(`querying "${table}" indexes`, () => {
    const list = statement(db, 'indexList').all(table) as IndexRow[];
    const info = statement(db, 'indexInfo');
    return list.map((row) => ({
      ...row,
      // An expression part of an index has no column name.
      columns: (info.all(row.name) as { name: string | null }[]).map((part) => part.name ?? '<expression>'),
    }));
  });
}

type ParentColumns = Map<string, { name: string; pk: number }[]>;

/** A referenced table's columns, read once per inspection: most keys of a schema point at a few tables (Kallithea's at users and repositories). */
function parentColumns(db: Db, table: string, known: ParentColumns): { name: string; pk: number }[] {
  let columns = known.get(table);
  if (!columns) known.set(table, (columns = statement(db, 'parentColumns').all(table) as { name: string; pk: number }[]));
  return columns;
}

const sameColumns = (a: string[], b: string[]): boolean =>
  a.length === b.length && a.every((name, i) => name.toLowerCase() === b[i]?.toLowerCase());

/** Explicit indexes only (CREATE INDEX); those behind PRIMARY KEY and UNIQUE are not indexes here. */
const indexes = (rows: (IndexRow & { columns: string[] })[]): Index[] =>
  rows.filter((row) => row.origin === 'c').map((row) => ({ name: row.name, columns: row.columns, unique: row.unique === 1 }));

/** UNIQUE constraints, named from the CREATE TABLE text, since SQLite names their indexes itself. */
function uniques(rows: (IndexRow & { columns: string[] })[], ddl: TableDdl): UniqueConstraint[] {
  return rows
    .filter((row) => row.origin === 'u')
    .map((row) => ({
      name: row.name.startsWith('sqlite_autoindex_')
        ? (ddl.uniques.find((u) => u.name !== null && sameColumns(u.columns, row.columns))?.name ?? null)
        : row.name,
      columns: row.columns,
    }));
}

/** `names` spelt as `columns` spells them, since SQLite matches identifiers case-insensitively. */
const canonical = (names: string[], columns: string[]): string[] =>
  names.map((name) => columns.find((column) => column.toLowerCase() === name.toLowerCase()) ?? name);

function foreignKeys(db: Db, table: string, own: Column[], ddl: TableDdl, parents: ParentColumns): ForeignKey[] {
  type Row = { id: number; table: string; from: string; to: string | null; on_update: string; on_delete: string };
  return query(`querying "${table}" foreign keys`, () => {
    const rows = statement(db, 'foreignKeys').all(table) as Row[];
    const byId = new Map<number, Row[]>();
    for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
    return [...byId.values()].map((parts) => {
      const first = parts[0] as Row;
      const columns = canonical(
        parts.map((part) => part.from),
        own.map((column) => column.name),
      );
      const parent = parentColumns(db, first.table, parents);
      // "REFERENCES parent" without columns means the parent's primary key.
      const refColumns = parts.every((part) => part.to !== null)
        ? canonical(
            parts.map((part) => part.to as string),
            parent.map((column) => column.name),
          )
        : parent.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk).map((column) => column.name);
      const named = ddl.foreignKeys.find(
        (fk) => fk.name !== null && fk.refTable.toLowerCase() === first.table.toLowerCase() && sameColumns(fk.columns, columns),
      );
      return {
        name: named?.name ?? null,
        columns,
        refTable: first.table,
        refColumns,
        onDelete: first.on_delete.toUpperCase(),
        onUpdate: first.on_update.toUpperCase(),
      };
    });
  });
}

function inspectTable(db: Db, row: TableRow, parents: ParentColumns): Table {
  const ddl = query(`parsing "${row.name}" definition`, () => parseCreateTable(row.sql ?? ''));
  const indexList = indexRows(db, row.name);
  const attributes: Record<string, string> = {};
  if (row.wr) attributes.withoutRowid = 'true';
  if (row.strict) attributes.strict = 'true';
  const own = columns(db, row.name);
  return {
    name: row.name,
    columns: own,
    indexes: indexes(indexList),
    uniques: uniques(indexList, ddl),
    foreignKeys: foreignKeys(db, row.name, own, ddl, parents),
    checks: ddl.checks,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/**
 * Schemas read, by the text of the database's sqlite_master: all inspectTable reads
 * (columns, indexes, keys, checks, table options) follows from the definitions there,
 * so the same text is the same schema, in whichever file. A round trip inspects the
 * same few schemas a dozen times: one query instead of several per table.
 */
const inspected = new Map<string, Schema>();
const KEPT = 16;

/** Reads the whole schema of an open database (a copy the caller may change). */
export function inspectDatabase(db: Db): Schema {
  const definitions = JSON.stringify(query('querying the schema', () => db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').raw().all()));
  let schema = inspected.get(definitions);
  if (!schema) {
    const parents: ParentColumns = new Map();
    schema = { engine: 'sqlite', tables: tableRows(db).map((row) => inspectTable(db, row, parents)) };
    inspected.set(definitions, schema);
    if (inspected.size > KEPT) inspected.delete(inspected.keys().next().value as string);
  }
  return structuredClone(schema);
}

/** An Inspector over a SQLite file, opened read-only for each inspection. */
export function sqliteInspector(file: string): Inspector {
  return { inspect: () => withDatabase(file, { readonly: true }, inspectDatabase) };
}
