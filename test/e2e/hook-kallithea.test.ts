import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed } from '../support/devdb.js';

const REPO_NAME = '    repo_name = Column(Unicode(255), nullable=False, unique=True)';
const NOTE = '    note = Column(Unicode(255), nullable=True)';

describe('devdb hook on the Kallithea testbed', () => {
  it('a change to kallithea/model/db.py is refused until its migration from devdb cycle is added; then the commit goes through', async () => {
    const tb = await kallitheaTestbed();
    const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
    const git = (...args: string[]) => execa('git', args, { cwd: tb.root, reject: false, stdin: 'ignore' });
    const commit = () => git('-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', 'commit', '-q', '-m', 'repositories: add note');
    expect((await run('hook', 'install')).exitCode).toBe(0);

    const start = performance.now();
    const idle = await run('check', '--json');
    console.log(`devdb check with nothing staged (Kallithea, git), ms: ${Math.round(performance.now() - start)}`);
    expect(JSON.parse(idle.stdout)).toMatchObject({ ok: true, models: [], migrations: [] });

    editModels(tb.root, REPO_NAME, NOTE);
    await git('add', 'kallithea/model/db.py');
    const refused = await commit();
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('The models changed (kallithea/model/db.py) but no new migration is part of this commit; run devdb cycle -m');

    const cycled = await run('cycle', '--json', '--no-apply', '-m', 'repositories: add note');
    expect(cycled.exitCode, cycled.stdout).toBe(0);
    const migration = JSON.parse(cycled.stdout).migration as string;
    expect(path.dirname(migration)).toBe('kallithea/alembic/versions');
    await git('add', migration);
    const checked = await run('check', '--json');
    expect(JSON.parse(checked.stdout)).toEqual({ ok: true, command: 'check', vcs: 'git', models: ['kallithea/model/db.py'], migrations: [migration], findings: [] });
    const accepted = await commit();
    expect(accepted.exitCode, accepted.stderr).toBe(0);
  });
});
