import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/schema/diff.js';
import type { Column, EngineName, ForeignKey, Schema, Table } from '../../src/schema/model.js';

const column = (name: string, more: Partial<Column> = {}): Column => ({ name, type: 'integer', nullable: true, default: null, primaryKey: false, ...more });
const table = (name: string, more: Partial<Table> = {}): Table => ({ name, columns: [], indexes: [], uniques: [], foreignKeys: [], checks: [], ...more });
const schema = (engine: EngineName, ...tables: Table[]): Schema => ({ engine, tables });

/** The changes between two one-column tables differing in `property`. */
const columnDiff = (engine: EngineName, property: 'type' | 'default', a: string | null, b: string | null) =>
  diffSchemas(schema(engine, table('t', { columns: [column('c', { [property]: a })] })), schema(engine, table('t', { columns: [column('c', { [property]: b })] })));

describe('diffing PostgreSQL schemas', () => {
  it('takes format_type names and DDL names for the same type', () => {
    const same: [string, string][] = [
      ['character varying(50)', 'VARCHAR(50)'],
      ['character varying', 'varchar'],
      ['character(3)', 'CHAR(3)'],
      ['integer', 'int4'],
      ['integer', 'INT'],
      ['bigint', 'int8'],
      ['smallint', 'int2'],
      ['boolean', 'bool'],
      ['timestamp without time zone', 'TIMESTAMP'],
      ['timestamp(6) without time zone', 'timestamp(6)'],
      ['timestamp with time zone', 'timestamptz'],
      ['time without time zone', 'time'],
      ['double precision', 'float8'],
      ['numeric(10,2)', 'DECIMAL(10, 2)'],
    ];
    for (const [a, b] of same) expect(columnDiff('postgres', 'type', a, b), `${a} vs ${b}`).toEqual([]);
    expect(columnDiff('postgres', 'type', 'character varying(50)', 'text')).toHaveLength(1);
    expect(columnDiff('postgres', 'type', 'timestamp without time zone', 'timestamp with time zone')).toHaveLength(1);
  });

  it('reads defaults through the casts pg_get_expr adds, and one spelling of now', () => {
    const same: [string | null, string | null][] = [
      ["'abc'::character varying", "'abc'"],
      ["'{}'::jsonb", "'{}'"],
      ["'-1'::integer", '-1'],
      ["'2020-01-01'::date", "'2020-01-01'"],
      ['NULL::character varying', null],
      ['now()', 'CURRENT_TIMESTAMP'],
      ['true', 'TRUE'],
    ];
    for (const [a, b] of same) expect(columnDiff('postgres', 'default', a, b), `${a} vs ${b}`).toEqual([]);
    expect(columnDiff('postgres', 'default', "'abc'::character varying", "'abd'::character varying")).toHaveLength(1);
    expect(columnDiff('postgres', 'default', "lower('A'::text)", "'a'")).toHaveLength(1);
  });

  it('matches the names PostgreSQL generates for unnamed constraints and indexes by shape', () => {
    const generated = table('users', {
      indexes: [{ name: 'users_age_idx', columns: ['age'], unique: false }],
      uniques: [{ name: 'users_email_key', columns: ['email'] }],
      checks: [{ name: 'users_age_check', expression: '(age >= 18)' }],
    });
    const chosen = table('users', {
      indexes: [{ name: 'ix_users_age', columns: ['age'], unique: false }],
      uniques: [{ name: 'uq_users_email', columns: ['email'] }],
      checks: [{ name: 'ck_users_age', expression: 'age >= 18' }],
    });
    expect(diffSchemas(schema('postgres', generated), schema('postgres', chosen))).toEqual([]);
  });
});

describe('diffing MariaDB schemas', () => {
  it('ignores integer display widths but keeps TINYINT(1), the boolean', () => {
    const same: [string, string][] = [
      ['int(11)', 'INT'],
      ['int(11)', 'integer'],
      ['bigint(20)', 'BIGINT'],
      ['int(10) unsigned', 'int unsigned'],
      ['tinyint(4)', 'tinyint'],
      ['tinyint(1)', 'BOOLEAN'],
      ['tinyint(1)', 'bool'],
      ['decimal(10,2)', 'NUMERIC(10, 2)'],
    ];
    for (const [a, b] of same) expect(columnDiff('mysql', 'type', a, b), `${a} vs ${b}`).toEqual([]);
    expect(columnDiff('mysql', 'type', 'tinyint(1)', 'tinyint(4)')).toHaveLength(1);
    expect(columnDiff('mysql', 'type', 'varchar(50)', 'varchar(60)')).toHaveLength(1);
  });

  it('takes current_timestamp() for CURRENT_TIMESTAMP and a decimal for its value', () => {
    const same: [string | null, string | null][] = [
      ['current_timestamp()', 'CURRENT_TIMESTAMP'],
      ['now()', 'current_timestamp()'],
      ['-1.00', '-1'],
      ["'1'", '1'],
    ];
    for (const [a, b] of same) expect(columnDiff('mysql', 'default', a, b), `${a} vs ${b}`).toEqual([]);
    expect(columnDiff('mysql', 'default', "'plain'", "'big'")).toHaveLength(1);
  });

  it('takes RESTRICT for NO ACTION, as MariaDB reports a foreign key declared without actions', () => {
    const fk = (onDelete: string, onUpdate: string): ForeignKey => ({ name: null, columns: ['org_id'], refTable: 'orgs', refColumns: ['id'], onDelete, onUpdate });
    const withFk = (engine: EngineName, key: ForeignKey): Schema => schema(engine, table('users', { foreignKeys: [key] }));
    expect(diffSchemas(withFk('mysql', fk('NO ACTION', 'NO ACTION')), withFk('mysql', fk('RESTRICT', 'RESTRICT')))).toEqual([]);
    expect(diffSchemas(withFk('mysql', fk('CASCADE', 'NO ACTION')), withFk('mysql', fk('RESTRICT', 'RESTRICT')))).toHaveLength(2);
    expect(diffSchemas(withFk('postgres', fk('NO ACTION', 'NO ACTION')), withFk('postgres', fk('RESTRICT', 'NO ACTION')))).toHaveLength(2);
  });

  it('matches the names MariaDB generates for unnamed constraints by what they do', () => {
    const generated = table('users', {
      uniques: [{ name: 'email', columns: ['email'] }],
      foreignKeys: [{ name: 'users_ibfk_1', columns: ['org_id'], refTable: 'orgs', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'RESTRICT' }],
      checks: [{ name: 'CONSTRAINT_1', expression: '`age` >= 18' }],
    });
    const chosen = table('users', {
      uniques: [{ name: 'uq_users_email', columns: ['email'] }],
      foreignKeys: [{ name: 'fk_users_org_id', columns: ['org_id'], refTable: 'orgs', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      checks: [{ name: 'ck_users_age', expression: 'age >= 18' }],
    });
    expect(diffSchemas(schema('mysql', generated), schema('mysql', chosen))).toEqual([]);
  });
});
