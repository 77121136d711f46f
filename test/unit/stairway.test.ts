import { describe, expect, it } from 'vitest';
import { isIrreversible } from '../../src/migration/irreversible.js';
import type { MigrationScript } from '../../src/migration/script.js';
import { parentsFirst, walkRange } from '../../src/migration/walk.js';

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
