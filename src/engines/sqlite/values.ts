import { collect, type TableValues } from '../values.js';
import { quoteStandard } from '../sql.js';
import { query, userTables, withDatabase } from './inspect.js';

interface ColumnInfo {
  name: string;
  pk: number;
}

/** Every row's value lengths in `tables` (those that exist and have a primary key), one query each. */
export function readValues(file: string, tables: string[]): TableValues[] {
  return withDatabase(file, { readonly: true }, (db) => {
    const existing = new Set(userTables(db));
    const result: TableValues[] = [];
    for (const table of tables.filter((t) => existing.has(t))) {
      const columns = query(`reading "${table}" columns`, () => db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as ColumnInfo[]);
      const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      if (key.length === 0) continue;
      const names = columns.map((c) => c.name);
      const size = query(`counting "${table}" rows`, () => (db.prepare(`SELECT count(*) AS n FROM ${quoteStandard(table)}`).get() as { n: number }).n);
      const select = [...key.map(quoteStandard), ...names.map((name) => `length(${quoteStandard(name)})`)].join(', ');
      const rows = db.prepare(`SELECT ${select} FROM ${quoteStandard(table)}`).raw();
      result.push(query(`reading "${table}" values`, () => collect(table, key, names, rows.iterate() as Iterable<unknown[]>, size)));
    }
    return result;
  });
}
