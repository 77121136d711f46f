/**
 * Column types as a script or a database writes them ("String(length=50)", "sa.Numeric(10, 2)",
 * "VARCHAR(255)", "character varying(40)"), reduced to what lint compares: the kind of
 * values they hold, and the bounds that can cut a value.
 */
export interface TypeShape {
  family: 'string' | 'integer' | 'numeric' | 'boolean' | 'datetime' | 'date' | 'time' | 'binary' | 'other';
  /** Characters a string type takes; undefined when unbounded (Text, String()). */
  length?: number;
  precision?: number;
  scale?: number;
}

const FAMILIES: [TypeShape['family'], RegExp][] = [
  ['string', /^(string|unicode|unicodetext|text|varchar|nvarchar|char|nchar|character|charactervarying|clob|tinytext|mediumtext|longtext|enum)$/],
  ['integer', /^(integer|int|biginteger|bigint|smallinteger|smallint|tinyint|mediumint)$/],
  ['numeric', /^(numeric|decimal|float|real|doubleprecision|double)$/],
  ['boolean', /^(boolean|bool)$/],
  ['datetime', /^(datetime|timestamp)$/],
  ['date', /^date$/],
  ['time', /^time$/],
  ['binary', /^(largebinary|blob|binary|varbinary|bytea|longblob)$/],
];

const TYPE = /^(?:(?:sa|sqlalchemy|mysql|postgresql|sqlite)\.)?([A-Za-z][\w ]*?)\s*(?:\((.*)\))?$/;

/** The shape of a type, or null when the text is not a type lint can read (a variable, a call). */
export function typeShape(text: string): TypeShape | null {
  const found = TYPE.exec(text.trim());
  if (!found) return null;
  const name = found[1]!.toLowerCase().replace(/\s+/g, '');
  const family = FAMILIES.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';
  const positional: number[] = [];
  const named: Record<string, number> = {};
  for (const part of (found[2] ?? '').split(',')) {
    const arg = /^\s*(?:(\w+)\s*=\s*)?(\d+)\s*$/.exec(part);
    if (!arg) continue;
    if (arg[1]) named[arg[1]] = Number(arg[2]);
    else positional.push(Number(arg[2]));
  }
  const shape: TypeShape = { family };
  if (family === 'string' && !name.includes('text') && name !== 'clob' && name !== 'enum') {
    const length = named.length ?? positional[0];
    if (length !== undefined) shape.length = length;
  }
  if (family === 'numeric') {
    const precision = named.precision ?? positional[0];
    const scale = named.scale ?? positional[1];
    if (precision !== undefined) shape.precision = precision;
    if (scale !== undefined) shape.scale = scale;
  }
  return shape;
}

/** What a change from `before` to `after` can cut, in words ("length 200 to 10"), or null when every value fits. */
export function narrowing(before: TypeShape, after: TypeShape): string | null {
  if (before.family === 'string' && after.family === 'string' && after.length !== undefined && (before.length === undefined || after.length < before.length)) {
    return `length ${before.length ?? 'unbounded'} to ${after.length}`;
  }
  if (before.family !== 'numeric' || after.family !== 'numeric') return null;
  const cut: string[] = [];
  if (after.precision !== undefined && before.precision !== undefined && after.precision < before.precision) cut.push(`precision ${before.precision} to ${after.precision}`);
  if (after.scale !== undefined && before.scale !== undefined && after.scale < before.scale) cut.push(`scale ${before.scale} to ${after.scale}`);
  return cut.length > 0 ? cut.join(', ') : null;
}
