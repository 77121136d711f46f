import type { CheckConstraint, ForeignKey, UniqueConstraint } from '../../schema/model.js';
import { tokenize, type Token } from '../sql.js';

/**
 * Reading what SQLite's pragmas do not tell: CHECK constraints and the names given to
 * UNIQUE and FOREIGN KEY constraints exist only in the CREATE TABLE text kept in
 * sqlite_master. Read token by token (sql.ts), so that parentheses, commas and keywords
 * inside quoted strings, quoted identifiers and comments are never mistaken for structure.
 */

/** What the CREATE TABLE text declares, beyond what the pragmas report. */
export interface TableDdl {
  checks: CheckConstraint[];
  uniques: UniqueConstraint[];
  foreignKeys: Pick<ForeignKey, 'name' | 'columns' | 'refTable'>[];
}

const keyword = (token: Token | undefined): string => (token?.kind === 'word' ? token.value.toUpperCase() : '');
const isPunct = (token: Token | undefined, text: string): boolean => token?.kind === 'punct' && token.value === text;

/** Index of the ")" that closes the "(" at `open`, or the last token when unbalanced. */
function closeOf(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    if (isPunct(tokens[i], ')') && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** The comma-separated items of the group opened at `open`, and where it closes. */
function groupItems(tokens: Token[], open: number): { items: Token[][]; close: number } {
  const close = closeOf(tokens, open);
  const items: Token[][] = [[]];
  for (let i = open + 1; i < close; i++) {
    const token = tokens[i] as Token;
    if (isPunct(token, '(')) {
      const end = closeOf(tokens, i);
      items[items.length - 1]?.push(...tokens.slice(i, end + 1));
      i = end;
    } else if (isPunct(token, ',')) {
      items.push([]);
    } else {
      items[items.length - 1]?.push(token);
    }
  }
  return { items: items.filter((item) => item.length > 0), close };
}

/** Column names of a "(a, b COLLATE nocase DESC)" list: the first token of each item. */
const columnList = (tokens: Token[], open: number): { columns: string[]; close: number } => {
  const { items, close } = groupItems(tokens, open);
  return { columns: items.map((item) => (item[0] as Token).value), close };
};

const TABLE_CONSTRAINTS = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

/** Reads one column definition or table constraint into `ddl`. */
function readDefinition(sql: string, def: Token[], ddl: TableDdl): void {
  const column = TABLE_CONSTRAINTS.has(keyword(def[0])) ? null : (def[0] as Token).value;
  for (let i = column === null ? 0 : 1; i < def.length; i++) {
    const word = keyword(def[i]);
    const name = keyword(def[i - 2]) === 'CONSTRAINT' ? (def[i - 1] as Token).value : null;
    if (isPunct(def[i], '(')) {
      i = closeOf(def, i);
    } else if (word === 'CHECK' && isPunct(def[i + 1], '(')) {
      const close = closeOf(def, i + 1);
      ddl.checks.push({ name, expression: sql.slice((def[i + 1] as Token).end, (def[close] as Token).start).trim() });
      i = close;
    } else if (word === 'UNIQUE' && column !== null) {
      ddl.uniques.push({ name, columns: [column] });
    } else if (word === 'UNIQUE' && isPunct(def[i + 1], '(')) {
      const list = columnList(def, i + 1);
      ddl.uniques.push({ name, columns: list.columns });
      i = list.close;
    } else if (word === 'REFERENCES' && column !== null && def[i + 1]) {
      ddl.foreignKeys.push({ name, columns: [column], refTable: (def[i + 1] as Token).value });
    } else if (word === 'FOREIGN' && keyword(def[i + 1]) === 'KEY' && isPunct(def[i + 2], '(')) {
      const list = columnList(def, i + 2);
      const target = def[list.close + 2];
      if (keyword(def[list.close + 1]) === 'REFERENCES' && target) {
        ddl.foreignKeys.push({ name, columns: list.columns, refTable: target.value });
      }
      i = list.close;
    }
  }
}

/** The CHECK constraints and named UNIQUE / FOREIGN KEY constraints of a CREATE TABLE statement. */
export function parseCreateTable(sql: string): TableDdl {
  const ddl: TableDdl = { checks: [], uniques: [], foreignKeys: [] };
  const tokens = tokenize(sql);
  const open = tokens.findIndex((token) => isPunct(token, '('));
  if (open < 0) return ddl;
  for (const def of groupItems(tokens, open).items) readDefinition(sql, def, ddl);
  return ddl;
}
