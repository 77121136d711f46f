import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/schema/diff.js';
import { autogenerateMisses } from '../../src/schema/misses.js';
import type { Column, EngineName, Schema, Table } from '../../src/schema/model.js';
import { closingOps, saType, undoingOps } from '../../src/schema/ops.js';
import { describeDifference, renderChanges, type Sides } from '../../src/schema/render.js';

const column = (name: string, more: Partial<Column> = {}): Column => ({ name, type: 'INTEGER', nullable: true, default: null, primaryKey: false, ...more });
const table = (name: string, more: Partial<Table> = {}): Table => ({ name, columns: [], indexes: [], uniques: [], foreignKeys: [], checks: [], ...more });
const schema = (engine: EngineName, ...tables: Table[]): Schema => ({ engine, tables });
const SIDES: Sides = { expected: { name: 'the models', plural: true }, actual: { name: 'the upgraded database' } };

const posts = (more: Partial<Table> = {}): Table =>
  table('posts', { columns: [column('id', { nullable: false, primaryKey: true }), column('title', { type: 'VARCHAR(200)' })], ...more });

/** Every difference between the models and the migrated database, with the ops that close it. */
function fixes(engine: EngineName, models: Table[], migrated: Table[]): string[] {
  const expected = schema(engine, ...models);
  const actual = schema(engine, ...migrated);
  return diffSchemas(expected, actual).flatMap((change) => closingOps(change, expected, actual));
}

describe('paste-ready operations for schema differences', () => {
  const published = column('published_at', { type: 'DATETIME' });

  it('a column the models have: batch_op.add_column on SQLite, op.add_column elsewhere', () => {
    const models = [posts({ columns: [...posts().columns, published] })];
    expect(fixes('sqlite', models, [posts()])).toEqual([
      "with op.batch_alter_table('posts') as batch_op: batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))",
    ]);
    expect(fixes('postgres', models, [posts()])).toEqual(["op.add_column('posts', sa.Column('published_at', sa.DateTime(), nullable=True))"]);
  });

  it('a leftover column, index and constraint are dropped; missing ones created', () => {
    const migrated = [posts({ columns: [...posts().columns, column('legacy', { type: 'TEXT' })], indexes: [{ name: 'ix_posts_title', columns: ['title'], unique: false }] })];
    const models = [posts({
      uniques: [{ name: 'uq_posts_title', columns: ['title'] }],
      foreignKeys: [{ name: 'fk_posts_author', columns: ['author_id'], refTable: 'users', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
    })];
    expect(fixes('postgres', models, migrated)).toEqual([
      "op.drop_column('posts', 'legacy')",
      "op.drop_index('ix_posts_title', table_name='posts')",
      "op.create_unique_constraint('uq_posts_title', 'posts', ['title'])",
      "op.create_foreign_key('fk_posts_author', 'posts', 'users', ['author_id'], ['id'], ondelete='CASCADE')",
    ]);
    expect(fixes('sqlite', migrated, models)).toContain("with op.batch_alter_table('posts') as batch_op: batch_op.create_index('ix_posts_title', ['title'], unique=False)");
  });

  it('alter_column for nullable, type and server_default, with existing_type', () => {
    const models = [posts({ columns: [column('id', { nullable: false, primaryKey: true }), column('title', { type: 'VARCHAR(200)', nullable: false, default: "'untitled'" })] })];
    const migrated = [posts({ columns: [column('id', { nullable: false, primaryKey: true }), column('title', { type: 'TEXT' })] })];
    expect(fixes('mysql', models, migrated)).toEqual([
      "op.alter_column('posts', 'title', type_=sa.String(length=200), existing_type=sa.Text())",
      "op.alter_column('posts', 'title', existing_type=sa.Text(), nullable=False)",
      "op.alter_column('posts', 'title', existing_type=sa.Text(), server_default=sa.text(\"'untitled'\"))",
    ]);
  });

  it('an unnamed constraint gets a conventional name, as batch mode needs one; the undo of each fix is given for downgrade()', () => {
    const models = [posts({ uniques: [{ name: null, columns: ['title'] }] })];
    expect(fixes('sqlite', models, [posts()])).toEqual(["with op.batch_alter_table('posts') as batch_op: batch_op.create_unique_constraint('uq_posts_title', ['title'])"]);
    const expected = schema('sqlite', posts({ columns: [...posts().columns, column('published_at', { type: 'DATETIME' })] }));
    const actual = schema('sqlite', posts());
    const [change] = diffSchemas(expected, actual);
    expect(undoingOps(change!, expected, actual)).toEqual(["with op.batch_alter_table('posts') as batch_op: batch_op.drop_column('published_at')"]);
  });

  it('a whole table either side', () => {
    expect(fixes('postgres', [posts()], [])).toEqual(["op.create_table('posts', sa.Column('id', sa.Integer(), nullable=False, primary_key=True), sa.Column('title', sa.String(length=200), nullable=True))"]);
    expect(fixes('postgres', [], [posts()])).toEqual(["op.drop_table('posts')"]);
  });

  it('reads database types in SQLAlchemy spelling', () => {
    expect(['character varying(40)', 'tinyint(1)', 'NUMERIC(10, 2)', 'timestamp without time zone', 'bigint', 'INTERVAL', 'character varying[]'].map(saType)).toEqual([
      'sa.String(length=40)', 'sa.Boolean()', 'sa.Numeric(precision=10, scale=2)', 'sa.DateTime()', 'sa.BigInteger()', 'sa.INTERVAL()', 'sa.types.NullType()',
    ]);
  });
});

describe('wording a difference by where each side stands', () => {
  it('says which side has it, never that something was removed', () => {
    const expected = schema('sqlite', posts({ columns: [...posts().columns, column('published_at', { type: 'DATETIME' })] }));
    const actual = schema('sqlite', posts({ columns: [...posts().columns, column('legacy', { type: 'TEXT' })] }));
    const changes = diffSchemas(expected, actual);
    expect(changes.map((c) => describeDifference(c, SIDES))).toEqual([
      'the models have column posts.published_at DATETIME NULL, the upgraded database does not',
      'the upgraded database has column posts.legacy TEXT NULL, the models do not',
    ]);
    const text = renderChanges(changes, { color: false, sides: SIDES });
    expect(text).toContain('column only in the models');
    expect(text).toContain('the upgraded database');
    expect(text).not.toMatch(/removed|added/);
    const unnamed = diffSchemas(schema('sqlite', posts({ uniques: [{ name: null, columns: ['title'] }] })), schema('sqlite', posts()));
    expect(describeDifference(unnamed[0]!, SIDES)).toBe('the models have unique constraint UNIQUE (title) on posts, the upgraded database does not');
  });
});

describe('what autogenerate misses by design', () => {
  const withDefault = (value: string | null): Schema => schema('sqlite', posts({ columns: [column('id', { nullable: false, primaryKey: true }), column('title', { type: 'VARCHAR(200)', default: value })] }));

  it('a server_default change without compare_server_default=True in env.py', () => {
    const changes = diffSchemas(withDefault("'x'"), withDefault(null));
    const misses = autogenerateMisses(changes, { engine: 'sqlite', envPy: 'context.configure(connection=connection, target_metadata=target_metadata)' });
    expect(misses).toHaveLength(1);
    expect(misses[0]).toMatchObject({ table: 'posts', object: 'title' });
    expect(misses[0]?.fix).toContain('compare_server_default=True');
    expect(autogenerateMisses(changes, { engine: 'sqlite', envPy: 'context.configure(compare_server_default=True)' })).toEqual([]);
  });

  it('Enum values, a rename, and an anonymous constraint on SQLite', () => {
    const enumOf = (values: string): Schema => schema('mysql', table('t', { columns: [column('mood', { type: `enum(${values})` })] }));
    expect(autogenerateMisses(diffSchemas(enumOf("'a','b','c'"), enumOf("'a','b'")), { engine: 'mysql', envPy: null })[0]?.reason).toMatch(/values of an Enum/);
    const renamed = autogenerateMisses(diffSchemas(schema('postgres', posts({ columns: [column('headline', { type: 'VARCHAR(200)' })] })), schema('postgres', posts())), { engine: 'postgres', envPy: null });
    expect(renamed.map((m) => m.fix)).toEqual(["op.alter_column('posts', 'title', new_column_name='headline')"]);
    const unique = autogenerateMisses(diffSchemas(schema('sqlite', posts({ uniques: [{ name: null, columns: ['title'] }] })), schema('sqlite', posts())), { engine: 'sqlite', envPy: null });
    expect(unique[0]?.fix).toMatch(/naming_convention/);
  });
});
