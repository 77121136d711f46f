import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed } from '../support/devdb.js';

describe('devdb status on the Kallithea testbed', () => {
  it('answers from the files and the reset cache, and says when the models moved past the cache', async () => {
    const tb = await kallitheaTestbed();
    const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
    const reset = await run('reset');
    expect(reset.exitCode, reset.stderr).toBe(0);

    const start = performance.now();
    const result = await run('status', '--json');
    console.log(`devdb status with a cached model database (Kallithea, git), ms: ${Math.round(performance.now() - start)}`);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.database).toEqual({ where: 'kallithea.db', engine: 'sqlite', exists: true, revisions: ['7ba0d2cad930'], known: true, position: 'head' });
    expect(report.migrations).toMatchObject({ folder: 'kallithea/alembic/versions', count: 10, heads: ['7ba0d2cad930'], newest: { revision: '7ba0d2cad930', committed: true } });
    expect(report.drift).toEqual({ checked: true, source: 'cache', changes: [] });
    expect(report.throwaway).toEqual({ sqlite: 1 });
    expect(report.next).toBe('nothing to do: the development database is at head and matches the models.');

    // A draft changes the reset cache's key, not the tables: the drift is still read from the cache.
    const draft = path.join(tb.root, 'kallithea', 'alembic', 'versions', 'd0d0d0d0d0d0_status_probe.py');
    fs.writeFileSync(draft, "revision = 'd0d0d0d0d0d0'\ndown_revision = '7ba0d2cad930'\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n");
    try {
      const drafted = JSON.parse((await run('status', '--json')).stdout);
      expect(drafted.migrations).toMatchObject({ heads: ['d0d0d0d0d0d0'] });
      expect(drafted.drift).toEqual({ checked: true, source: 'cache', changes: [] });
    } finally {
      fs.rmSync(draft);
    }

    editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    note = Column(Unicode(255), nullable=True)');
    const moved = JSON.parse((await run('status', '--json')).stdout);
    expect(moved.drift).toEqual({ checked: false, reason: 'no model database in the reset cache matches the current model files; run `devdb status --drift` to build the model database and compare' });
  }, 120_000);
});
