import { describe, expect, it } from 'vitest';
import { nextStep, type StatusFacts } from '../../src/report/status.js';

const facts = (change: { database?: Partial<StatusFacts['database']>; migrations?: Partial<StatusFacts['migrations']>; drift?: StatusFacts['drift']; snapshots?: StatusFacts['snapshots'] }): Omit<StatusFacts, 'next'> => ({
  database: { where: 'dev.db', engine: 'sqlite', exists: true, revisions: ['b'], known: true, position: 'head', ...change.database },
  migrations: { folder: 'v', count: 2, heads: ['b'], ...change.migrations },
  drift: change.drift ?? { checked: true, source: 'cache', changes: [] },
  snapshots: change.snapshots ?? { count: 0, list: [] },
  throwaway: {},
  hook: { vcs: null },
});

describe('the next line of devdb status', () => {
  it('puts what blocks work first', () => {
    expect(nextStep(facts({ database: { position: 'unreadable', error: 'connect ECONNREFUSED 127.0.0.1:5432' } }))).toBe(
      'the development database cannot be read: connect ECONNREFUSED 127.0.0.1:5432; check that its server is running and its URL is right.',
    );
    const snapshots = { count: 2, newest: 's2', list: [{ id: 's1', createdAt: '', revisions: ['a'], reason: '', known: true }, { id: 's2', createdAt: '', revisions: ['x'], reason: '', known: false }] };
    expect(nextStep(facts({ database: { revisions: ['x'], known: false, position: 'unknown' }, snapshots }))).toContain('`devdb snapshot restore s1` (a snapshot at a)');
    expect(nextStep(facts({ migrations: { heads: ['b', 'c'] } }))).toContain('`alembic merge heads');
    expect(nextStep(facts({ database: { position: 'behind', behind: 2 } }))).toContain('behind by 2 revision(s)');
  });

  it('then the models, the draft, and whether drift was checked at all', () => {
    const change = { kind: 'column-added' as const, table: 't', object: 'c', message: 't.c: column added' };
    expect(nextStep(facts({ drift: { checked: true, source: 'built', changes: [change] } }))).toBe('models changed since the last migration: `devdb cycle -m "area: message"`.');
    expect(nextStep(facts({ migrations: { draft: { revision: 'b', file: 'v/b.py', applied: true, exists: true, committed: false } } }))).toContain('the draft b is not committed yet');
    expect(nextStep(facts({ drift: { checked: false, reason: '' } }))).toContain('`devdb status --drift`');
    expect(nextStep(facts({}))).toBe('nothing to do: the development database is at head and matches the models.');
  });
});
