import type { CheckConstraint, Column, ForeignKey, Index, Schema, Table, UniqueConstraint } from '../../schema/model.js';
import type { Inspector } from '../engine.js';
import type { Query } from '../server/connection.js';
import { quoteStandard } from '../sql.js';

/**
 * Reads a PostgreSQL database into the neutral schema model from pg_catalog, after
 * Atlas's sql/postgres/inspect.go: the tables of the current schema (search_path's
 * first), one query per object kind and table. Types are format_type's spelling and
 * defaults pg_get_expr's; the diff compares those loosely. Only what is not a spelling
 * is decided here: a sequence or identity column has no default but `autoincrement`.
 */

interface TableRow {
  oid: number;
  name: string;
}

/** The user tables: ordinary and partitioned tables of the current schema, not Alembic's alembic_version. */
const tableRows = (query: Query): Promise<TableRow[]> =>
  query<TableRow>(
    'querying tables',
    `SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'alembic_version'
     ORDER BY c.relname`,
  );

/** PostgreSQL's one-letter referential actions, as the model spells them. */
const ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

async function columns(query: Query, table: TableRow): Promise<Column[]> {
  type Row = { name: string; type: string; notnull: boolean; default: string | null; identity: string; generated: string; pk: boolean };
  const rows = await query<Row>(
    `querying "${table.name}" columns`,
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity AS identity, a.attgenerated AS generated,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS pk
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table.oid],
  );
  return rows.map((row) => {
    // SERIAL and Sequence() columns default to nextval(…), identity columns to nothing: either way the database numbers rows.
    const numbered = row.identity !== '' || (row.default?.startsWith('nextval(') ?? false);
    const attributes: Record<string, string> = {};
    if (numbered) attributes.autoincrement = 'true';
    if (row.generated === 's') attributes.generated = 'stored';
    return {
      name: row.name,
      type: row.type,
      nullable: !row.notnull,
      default: numbered || row.generated === 's' ? null : row.default,
      primaryKey: row.pk,
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    };
  });
}

/** Indexes made with CREATE INDEX; those behind PRIMARY KEY, UNIQUE and EXCLUDE constraints are not indexes here. */
async function indexes(query: Query, table: TableRow): Promise<Index[]> {
  type Row = { name: string; unique: boolean; columns: (string | null)[] };
  const rows = await query<Row>(
    `querying "${table.name}" indexes`,
    `SELECT c.relname AS name, i.indisunique AS unique,
            ARRAY(SELECT a.attname FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, n)
                  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
     ORDER BY c.relname`,
    [table.oid],
  );
  // An expression part of an index has no column (attnum 0).
  return rows.map((row) => ({ name: row.name, columns: row.columns.map((name) => name ?? '<expression>'), unique: row.unique }));
}

interface ConstraintRow {
  name: string;
  type: 'u' | 'f' | 'c';
  columns: string[];
  ref_table: string | null;
  ref_columns: string[] | null;
  on_delete: string;
  on_update: string;
  definition: string;
}

const constraintRows = (query: Query, table: TableRow): Promise<ConstraintRow[]> =>
  query<ConstraintRow>(
    `querying "${table.name}" constraints`,
    `SELECT k.conname AS name, k.contype AS type,
            ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS c(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.attnum ORDER BY c.n)::text[] AS columns,
            r.relname AS ref_table,
            ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS c(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = c.attnum ORDER BY c.n)::text[] AS ref_columns,
            k.confdeltype AS on_delete, k.confupdtype AS on_update, pg_get_constraintdef(k.oid) AS definition
     FROM pg_constraint k LEFT JOIN pg_class r ON r.oid = k.confrelid
     WHERE k.conrelid = $1 AND k.contype IN ('u', 'f', 'c') ORDER BY k.conname`,
    [table.oid],
  );

const uniques = (rows: ConstraintRow[]): UniqueConstraint[] => rows.filter((row) => row.type === 'u').map((row) => ({ name: row.name, columns: row.columns }));

const foreignKeys = (rows: ConstraintRow[]): ForeignKey[] =>
  rows
    .filter((row) => row.type === 'f')
    .map((row) => ({
      name: row.name,
      columns: row.columns,
      refTable: row.ref_table as string,
      refColumns: row.ref_columns ?? [],
      onDelete: ACTIONS[row.on_delete] ?? 'NO ACTION',
      onUpdate: ACTIONS[row.on_update] ?? 'NO ACTION',
    }));

/** CHECK constraints, the expression taken out of pg_get_constraintdef's "CHECK (…) [NOT VALID]". */
const checks = (rows: ConstraintRow[]): CheckConstraint[] =>
  rows
    .filter((row) => row.type === 'c')
    .map((row) => ({ name: row.name, expression: row.definition.replace(/^CHECK \(([\s\S]*)\)( NO INHERIT)?( NOT VALID)?$/, '$1') }));

async function inspectTable(query: Query, table: TableRow): Promise<Table> {
  const constraints = await constraintRows(query, table);
  return {
    name: table.name,
    columns: await columns(query, table),
    indexes: await indexes(query, table),
    uniques: uniques(constraints),
    foreignKeys: foreignKeys(constraints),
    checks: checks(constraints),
  };
}

/** Reads the database `query` runs in. */
export function postgresInspector(query: Query): Inspector {
  return {
    async inspect(): Promise<Schema> {
      const tables: Table[] = [];
      for (const table of await tableRows(query)) tables.push(await inspectTable(query, table));
      return { engine: 'postgres', tables };
    },
  };
}

/** The user tables by name, sorted. */
export const tableNames = async (query: Query): Promise<string[]> => (await tableRows(query)).map((table) => table.name);

/** Rows per table with a checksum of their text, and the schema: what a write since the last look would change. */
export async function fingerprintPostgres(query: Query): Promise<string[]> {
  const parts = [JSON.stringify(await postgresInspector(query).inspect())];
  for (const table of await tableRows(query)) {
    const sql = `SELECT count(*)::text AS n, coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') AS sum FROM ${quoteStandard(table.name)} t`;
    const [row] = await query<{ n: string; sum: string }>(`checksumming "${table.name}"`, sql);
    parts.push(`${table.name}:${row?.n}:${row?.sum}`);
  }
  return parts;
}
