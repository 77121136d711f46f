import { describe, expect, it } from 'vitest';
import { shapeValue } from '../../src/engines/seed-shapes.js';
import { collect } from '../../src/engines/values.js';
import type { Column, Schema } from '../../src/schema/model.js';
import { truncations, vanished } from '../../src/steps/shared/values.js';

const column = (type: string, nullable = false): Column => ({ name: 'c', type, nullable, default: null, primaryKey: false });
const table = (name: string, columns: string[], rows: unknown[][]) => collect(name, ['id'], columns, rows, rows.length);
const schema = (type: string): Schema => ({ engine: 'sqlite', tables: [{ name: 'notes', columns: [{ ...column(type), name: 'body' }], indexes: [], uniques: [], foreignKeys: [], checks: [] }] });

describe('boundary values', () => {
  it('take the longest string a column declares, NULL where nullable, non-ASCII text, zero, negative and the largest numbers, the calendar ends', () => {
    expect(shapeValue(column('VARCHAR(12)'), 'longest')).toBe('devdb-devdb-');
    expect(shapeValue(column('VARCHAR(12)'), 'extremes')).toMatch(/^[^\x00-\x7f]{12}$/);
    expect(shapeValue(column('VARCHAR(12)', true), 'nulls')).toBeNull();
    expect(shapeValue(column('VARCHAR(12)'), 'nulls')).toBe('éüñßà');
    expect([shapeValue(column('INTEGER'), 'longest'), shapeValue(column('INTEGER'), 'nulls'), shapeValue(column('INTEGER'), 'extremes')]).toEqual([0, -1, 2147483647]);
    expect(shapeValue(column('int unsigned'), 'nulls')).toBe(0);
    expect(shapeValue(column('NUMERIC(5, 2)'), 'extremes')).toBe(999);
    expect([shapeValue(column('DATETIME'), 'longest'), shapeValue(column('DATE'), 'extremes')]).toEqual(['1000-01-01 00:00:00', '9999-12-31']);
    expect(shapeValue(column('character varying(3)'), 'longest')).toBe('dev');
    expect(shapeValue(column('BOOLEAN'), 'longest')).toBeUndefined();
  });
});

describe('value fingerprints', () => {
  it('name a column whose values are gone or NULL for rows that are still there', () => {
    const before = [table('notes', ['id', 'body', 'title'], [[1, 1, 5, 3], [2, 1, null, 3]])];
    const after = [table('notes', ['id', 'title', 'text'], [[2, 1, null, null], [1, 1, null, null]])];
    expect(vanished(before, after)).toEqual([
      { table: 'notes', column: 'body', rows: 1, gone: true },
      { table: 'notes', column: 'title', rows: 2, gone: false },
    ]);
  });

  it('do not count a column gone whose values a new column carries in every row (add, copy, drop)', () => {
    const before = [table('notes', ['id', 'body'], [[1, 1, 5], [2, 2, null]])];
    expect(vanished(before, [table('notes', ['id', 'text'], [[1, 1, 5], [2, 2, null]])])).toEqual([]);
    expect(vanished(before, [table('notes', ['id', 'text'], [[1, 1, null], [2, 2, 4]])])).toEqual([{ table: 'notes', column: 'body', rows: 1, gone: true }]);
  });

  it('name the rows longer than a narrowed declared length, longest first, and only where the type changed', () => {
    const before = [table('notes', ['id', 'body'], [[1, 1, 21], [2, 2, 3], [3, 3, 30]])];
    expect(truncations(before, schema('VARCHAR(200)'), schema('VARCHAR(10)'))).toEqual([
      { table: 'notes', column: 'body', type: 'VARCHAR(10)', declared: 10, count: 2, rows: [{ key: '3', length: 30 }, { key: '1', length: 21 }] },
    ]);
    expect(truncations(before, schema('VARCHAR(10)'), schema('VARCHAR(10)'))).toEqual([]);
    // PostgreSQL's and MariaDB's spellings of the same types.
    expect(truncations(before, schema('character varying(200)'), schema('character varying(10)'))[0]?.count).toBe(2);
    expect(truncations(before, schema('varchar(200)'), schema('varchar(25)'))[0]?.rows).toEqual([{ key: '3', length: 30 }]);
  });
});
