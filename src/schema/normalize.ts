import type { EngineName } from './model.js';

/**
 * Spellings a database is free to choose, brought to one form so the diff compares
 * meaning: type aliases per engine, optional spaces and parentheses, casts of literals,
 * and the names an engine makes up for unnamed indexes and constraints.
 */

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

/** A type in one spelling per engine: aliases resolved, display widths and time zone wording rewritten. */
export function normalizeType(type: string, engine: EngineName): string {
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
export function normalizeDefault(value: string | null, engine: EngineName): string | null {
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

/** A CHECK expression in one spelling. */
export const normalizeExpression = (expression: string): string => stripOuterParens(normalizeSql(expression));

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether the database made this name up itself rather than being given it. */
export function generatedName(name: string | null, engine: EngineName, table: string, columns: string[]): boolean {
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
