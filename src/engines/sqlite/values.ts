import { cellOf, type TableValues } from '../values.js';
import { quoteStandard } from '../sql.js';
import { query, userTables, withDatabase } from './inspect.js';

interface ColumnInfo {
  name: string;
  pk: number;
}

/** Every row's cells of `tables` (those that exist and have a primary key), read in one pass each. */
export function readValues(file: string, tables: string[]): TableValues[] {
  return withDatabase(file, { readonly: true }, (db) => {
    const existing = new Set(userTables(db));
    const result: TableValues[] = [];
    for (const table of tables.filter((t) => existing.has(t))) {
      const columns = query(`reading "${table}" columns`, () => db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as ColumnInfo[]);
      const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      if (key.length === 0) continue;
      const names = columns.map((c) => c.name);
      const keyAt = key.map((k) => names.indexOf(k));
      const rows = new Map<string, Record<string, ReturnType<typeof cellOf>>>();
      const statement = db.prepare(`SELECT ${names.map(quoteStandard).join(', ')} FROM ${quoteStandard(table)}`).raw();
      query(`reading "${table}" values`, () => {
        for (const row of statement.iterate() as Iterable<unknown[]>) {
          const cells: Record<string, ReturnType<typeof cellOf>> = {};
          names.forEach((name, i) => {
            cells[name] = cellOf(row[i]);
          });
          rows.set(JSON.stringify(keyAt.map((i) => row[i])), cells);
        }
      });
      result.push({ table, key, rows });
    }
    return result;
  });
}
