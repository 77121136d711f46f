import type { Column } from '../../schema/model.js';
import { temporalOrJson, type ExpressionParts, type Value } from '../seed-values.js';

/*
 * The seeder's value rules PostgreSQL and MariaDB share (see seed-values.ts): each
 * engine's SeedValues is made of these, saying what its false is.
 */

/**
 * The identifiers, string literals and numbers of a CHECK expression as PostgreSQL and
 * MariaDB write them back: '' escapes, "double" or `backtick` quoted names, and
 * brackets that are array subscripts rather than SQLite's quoted names.
 */
export function checkParts(expression: string): ExpressionParts {
  const parts: ExpressionParts = { identifiers: [], strings: [], numbers: [] };
  const token = /'((?:[^'\\]|''|\\.)*)'|"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|([A-Za-z_][\w$]*)|(\d+(?:\.\d+)?)/g;
  for (const match of expression.matchAll(token)) {
    const [, string, double, backtick, word, number] = match;
    if (string !== undefined) parts.strings.push(string.replace(/''/g, "'").replace(/\\(.)/g, '$1'));
    else if (double !== undefined) parts.identifiers.push(double.replace(/""/g, '"'));
    else if (backtick !== undefined) parts.identifiers.push(backtick.replace(/``/g, '`'));
    else if (word !== undefined) parts.identifiers.push(word);
    else parts.numbers.push(Number(number));
  }
  return parts;
}

/** A value a column of this declared type accepts (PostgreSQL's format_type or MySQL's COLUMN_TYPE spellings). */
export function serverValue(column: Column, falseValue: Value): Value {
  const type = column.type.toUpperCase();
  // MariaDB's ENUM('a','b') and SET('a','b'): the first label, as written.
  const label = /^(?:enum|set)\s*\(\s*'((?:[^']|'')*)'/i.exec(column.type);
  if (label) return (label[1] as string).replace(/''/g, "'");
  if (type.includes('BOOL') || type === 'TINYINT(1)') return falseValue;
  if (type.endsWith('[]')) return '{}';
  if (type.startsWith('BIT')) return 0;
  if (type === 'UUID') return '00000000-0000-0000-0000-000000000001';
  if (type.startsWith('INTERVAL')) return '1 day';
  const temporal = temporalOrJson(type);
  if (temporal !== undefined) return temporal;
  if (type.includes('INT') || type === 'YEAR') return 1;
  if (/DEC|NUMERIC|REAL|FLOA|DOUB/.test(type)) return 1.5;
  if (/BYTEA|BLOB|BINARY/.test(type)) return Buffer.from([0]);
  const length = /CHAR.*\(\s*(\d+)/.exec(type);
  return length ? 'devdb-1'.slice(0, Number(length[1])) : 'devdb-1';
}

/**
 * Whether a value suits a server column's type at all: numbers only for numeric types,
 * and no string longer than a CHAR(n) or VARCHAR(n), which a cast would silently cut.
 */
export function serverAccepts(column: Column, value: Value): boolean {
  const type = column.type.toUpperCase();
  if (typeof value !== 'string') return true;
  if (/INT|DEC|NUMERIC|REAL|FLOA|DOUB/.test(type) && !type.startsWith('INTERVAL')) return /^-?\d+(\.\d+)?$/.test(value);
  const length = /CHAR.*\(\s*(\d+)/.exec(type);
  return !length || value.length <= Number(length[1]);
}
