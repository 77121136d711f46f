import { describe, expect, it } from 'vitest';
import { isIrreversible } from '../../src/migration/irreversible.js';
import type { MigrationScript } from '../../src/migration/script.js';
import { parentsFirst, walkRange } from '../../src/migration/walk.js';
import { collect } from '../../src/engines/values.js';
import type { Schema } from '../../src/schema/model.js';
import { downgradeLosses } from '../../src/steps/shared/stairway.js';

const rev = (revision: string, ...downRevisions: string[]) => ({ revision, downRevisions });
const ids = (list: { revision: string }[]) => list.map((r) => r.revision);

describe('the order of the walk', () => {
  it('puts parents first, keeps a linear chain in its order and a merge after both branches', () => {
    expect(ids(parentsFirst([rev('c', 'b'), rev('a'), rev('b', 'a')]))).toEqual(['a', 'b', 'c']);
    expect(ids(parentsFirst([rev('m', 'b', 'c'), rev('c', 'a'), rev('b', 'a'), rev('a')]))).toEqual(['a', 'c', 'b', 'm']);
  });

  it('refuses a cycle in one sentence', () => {
    expect(() => parentsFirst([rev('a', 'b'), rev('b', 'a')])).toThrow('The migrations form a cycle (a, b); fix their down_revision.');
  });

  it('limits the order with --from and --to, by id or unique prefix, and refuses unknown, ambiguous or reversed revisions', () => {
    const order = [rev('0001'), rev('0002', '0001'), rev('0003', '0002'), rev('1abc', '0003')];
    expect(ids(walkRange(order, '0002'))).toEqual(['0002', '0003', '1abc']);
    expect(ids(walkRange(order, undefined, '0002'))).toEqual(['0001', '0002']);
    expect(ids(walkRange(order, '1a', '1abc'))).toEqual(['1abc']);
    expect(() => walkRange(order, undefined, '9')).toThrow('--to 9 is no revision of the migrations; give one "alembic history" lists.');
    expect(() => walkRange(order, '000')).toThrow('--from 000 matches several revisions (0001, 0002, 0003); give more of the revision id.');
    expect(() => walkRange(order, '0003', '0001')).toThrow('--from 0003 comes after --to 0001 in the history; give the older revision to --from.');
  });
});

/** A script whose downgrade() is at `line`, as migration_ops.py reads it. */
const script = (line: number): MigrationScript => ({
  file: 'x.py',
  revision: 'x',
  downRevision: null,
  downRevisionLine: null,
  functions: { upgrade: { line: 1, empty: true, ops: [] }, downgrade: { line, empty: false, ops: [] } },
  syntaxError: null,
});

describe('an irreversible downgrade', () => {
  const source = (body: string) => `def upgrade():\n    pass\n\n\ndef downgrade():\n${body}\n\n\ndef later():\n    raise NotImplementedError\n`;

  it('is a downgrade() that raises NotImplementedError at its top level, after a docstring or comments', () => {
    expect(isIrreversible(script(5), source("    raise NotImplementedError('cannot revert to SQLAlchemy Migrate')"))).toBe(true);
    expect(isIrreversible(script(5), source('    """Downgrade schema."""\n    # data is gone\n    raise NotImplementedError'))).toBe(true);
  });

  it('is not one that raises only on some path, does the work, or raises in another function', () => {
    expect(isIrreversible(script(5), source("    if op.get_context().dialect.name == 'sqlite':\n        raise NotImplementedError"))).toBe(false);
    expect(isIrreversible(script(5), source("    op.drop_column('notes', 'title')"))).toBe(false);
    expect(isIrreversible(script(5), source('    pass'))).toBe(false);
  });
});

describe('what a revision\'s downgrade takes away', () => {
  const column = (name: string) => ({ name, type: 'VARCHAR(80)', nullable: true, primaryKey: name === 'id' });
  const table = (name: string, columns: string[]) => ({ name, columns: columns.map(column), indexes: [], uniques: [], foreignKeys: [], checks: [] });
  // Rows of [id, ...lengths]; -1 is NULL.
  const values = (name: string, columns: string[], rows: number[][]) => collect(name, ['id'], columns, rows, rows.length);
  const before = { tables: [table('notes', ['id', 'body']), table('tags', ['id'])] } as unknown as Schema;

  it('counts the values of a column the upgrade added, the rows of a table it created, and marks data that was there before', () => {
    const up = {
      counts: { notes: 3, tags: 2, labels: 4 },
      values: [values('notes', ['id', 'body', 'author'], [[1, 1, 4, 5], [2, 1, 4, -1], [3, 1, 4, 6]]), values('tags', ['id'], [[1, 1], [2, 1]])],
    };
    const down = { counts: { notes: 3, tags: 1 }, values: [values('notes', ['id', 'body'], [[1, 1, -1], [2, 1, 4], [3, 1, 4]]), values('tags', ['id'], [[1, 1]])] };
    const marked = (t: string, c: string | null) => t === 'tags' && c === null;
    expect(downgradeLosses(before, up, down, marked)).toEqual([
      { table: 'tags', column: null, rows: 1, allowed: 'marked' },
      { table: 'labels', column: null, rows: 4, allowed: 'added' },
      { table: 'notes', column: 'body', rows: 1, allowed: null },
      { table: 'notes', column: 'author', rows: 2, allowed: 'added' },
    ]);
  });

  it('finds nothing when the downgrade takes nothing away', () => {
    const taken = { counts: { notes: 1 }, values: [values('notes', ['id', 'body'], [[1, 1, 4]])] };
    expect(downgradeLosses(before, taken, taken, () => false)).toEqual([]);
  });
});
