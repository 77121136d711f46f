import type { CheckConstraint, Table } from '../schema/model.js';

/**
 * SQL text that is not one engine's: quoting identifiers by the two rules the engines
 * follow, the seeder's statements in any engine's spelling, and a small tokenizer, so
 * that parentheses, commas and keywords inside quoted strings, quoted identifiers and
 * comments are never mistaken for structure.
 */

/** An identifier quoted the SQL standard's way (SQLite, PostgreSQL), safe for any name. */
export const quoteStandard = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** An identifier quoted the MariaDB way, safe for any name. */
export const quoteBacktick = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** How an engine spells what every engine's SQL has. */
export interface Spelling {
  readonly quote: (name: string) => string;
  /** The bind parameter at `index` (from 0); `type` is the column's, for an engine that has to be told what a bare value is. */
  readonly param: (index: number, type?: string) => string;
  /** What follows `INSERT INTO table` for a row of nothing but defaults. */
  readonly defaultRow: string;
}

/** The statements the seeder runs, in one engine's spelling; values go in as bind parameters, in `names` order. */
export function seedStatements({ quote, param, defaultRow }: Spelling) {
  return {
    count: (table: string): string => `SELECT count(*) AS n FROM ${quote(table)}`,
    /** The first row's `columns` (as k0, k1, …) where none is NULL. */
    firstKey: (table: string, columns: string[]): string => {
      const select = columns.map((column, i) => `${quote(column)} AS k${i}`).join(', ');
      const where = columns.map((column) => `${quote(column)} IS NOT NULL`).join(' AND ');
      return `SELECT ${select} FROM ${quote(table)} WHERE ${where} LIMIT 1`;
    },
    /** Whether `check` lets a row of these values in (ok = 1): a CHECK fails only when its value is false; NULL passes. */
    holds: (table: Table, check: CheckConstraint, names: string[]): string => {
      const type = (name: string): string => table.columns.find((column) => column.name === name)?.type ?? 'text';
      const select = names.length > 0 ? names.map((name, i) => `${param(i, type(name))} AS ${quote(name)}`).join(', ') : 'NULL';
      return `SELECT CASE WHEN (${check.expression}) IS NULL THEN 1 WHEN (${check.expression}) THEN 1 ELSE 0 END AS ok FROM (SELECT ${select}) AS ${quote(table.name)}`;
    },
    insert: (table: Table, names: string[]): string =>
      names.length > 0
        ? `INSERT INTO ${quote(table.name)} (${names.map(quote).join(', ')}) VALUES (${names.map((_, i) => param(i)).join(', ')})`
        : `INSERT INTO ${quote(table.name)} ${defaultRow}`,
  };
}

export interface Token {
  kind: 'word' | 'ident' | 'string' | 'number' | 'punct';
  /** Identifiers and strings unquoted; everything else as written. */
  value: string;
  start: number;
  end: number;
}

const QUOTES: Record<string, { close: string; kind: Token['kind'] }> = {
  "'": { close: "'", kind: 'string' },
  '"': { close: '"', kind: 'ident' },
  '`': { close: '`', kind: 'ident' },
  '[': { close: ']', kind: 'ident' },
};

/** The tokens of an SQL text, comments and spaces left out. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const start = i;
    if (/\s/.test(ch)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const newline = sql.indexOf('\n', i);
      i = newline < 0 ? sql.length : newline + 1;
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (QUOTES[ch]) {
      const { close, kind } = QUOTES[ch];
      let value = '';
      i++;
      // A doubled closing quote is an escaped one (not for [brackets], which have no escape).
      while (i < sql.length) {
        if (sql[i] === close && !(close !== ']' && sql[i + 1] === close)) break;
        if (sql[i] === close) i++;
        value += sql[i];
        i++;
      }
      i++;
      tokens.push({ kind, value, start, end: i });
    } else {
      const word = /^(?:[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|(0[xX][\da-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+))/.exec(sql.slice(i));
      const text = word ? word[0] : ch;
      i += text.length;
      tokens.push({ kind: word ? (word[1] !== undefined ? 'number' : 'word') : 'punct', value: text, start, end: i });
    }
  }
  return tokens;
}

/** The identifiers, string literals and numbers an SQL expression mentions. */
export function expressionParts(expression: string): { identifiers: string[]; strings: string[]; numbers: number[] } {
  const tokens = tokenize(expression);
  const of = (kinds: Token['kind'][]): string[] => tokens.filter((t) => kinds.includes(t.kind)).map((t) => t.value);
  return { identifiers: of(['word', 'ident']), strings: of(['string']), numbers: of(['number']).map(Number).filter(Number.isFinite) };
}
