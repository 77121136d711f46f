import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, type Testbed } from '../support/devdb.js';
import { databasesLike, kallitheaOnPostgres, serverQuery } from '../support/servers.js';

const REPO_NAME = '    repo_name = Column(Unicode(255), nullable=False, unique=True)';

/** A development database on PostgreSQL, set up by hand as Kallithea's docs say; devdb did not make it. */
describe('a development database on PostgreSQL: copied as the base, snapshotted and restored on the server', () => {
  let tb: Testbed & { env: Record<string, string> };
  let dev: string;
  let tag: string;
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  const columns = async (): Promise<string[]> =>
    (await serverQuery<{ name: string }>('postgres', dev, "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'repositories'")).map((r) => r.name);
  const revision = async (): Promise<string> => (await serverQuery<{ version_num: string }>('postgres', dev, 'SELECT version_num FROM alembic_version'))[0]!.version_num;

  beforeAll(async () => {
    tb = await kallitheaTestbed();
    ({ dev, tag } = await kallitheaOnPostgres(tb));
  });

  afterAll(async () => {
    expect((await run('clean', '--snapshots')).exitCode).toBe(0);
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
    await serverQuery('postgres', undefined, `DROP DATABASE IF EXISTS ${dev} WITH (FORCE)`);
  });

  it('cycle copies it with CREATE DATABASE … TEMPLATE, proves the draft, snapshots it on the server and upgrades it', async () => {
    const head = await revision();
    editModels(tb.root, REPO_NAME, '    note = Column(Unicode(255), nullable=True)');
    const result = await run('cycle', '--json', '-m', 'repositories: add note');
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, engine: 'postgres', base: 'dev' });
    expect(await columns()).toContain('note');
    const snapshots = JSON.parse((await run('snapshot', 'list', '--json')).stdout).snapshots;
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ revisions: [head], database: expect.stringMatching(new RegExp(`^devdb_${tag}_snap_`)) });
    expect(await databasesLike('postgres', `devdb_${tag}_snap_`)).toEqual([snapshots[0].database]);
    expect(await databasesLike('postgres', `devdb_${tag}_base`)).toEqual([]);
  });

  it('snapshot restore puts the development database back as it was, after snapshotting it too', async () => {
    const restored = await run('snapshot', 'restore', 'latest', '--json');
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout).safetySnapshot).toMatch(/^\d{8}T\d{9}Z-/);
    expect(await columns()).not.toContain('note');
    expect(await databasesLike('postgres', `devdb_${tag}_snap_`)).toHaveLength(2);
    expect((await serverQuery<{ n: string }>('postgres', dev, 'SELECT count(*) AS n FROM repositories'))[0]!.n).toBe(String(tb.sampleRepos.length));
  });

  it('rows written on the server after an applied draft survive the next cycle: its fingerprint differs, so the draft is undone by its own downgrade', async () => {
    const applied = await run('cycle', '-m', 'repositories: add note');
    expect(applied.exitCode, applied.stderr).toBe(0);
    await serverQuery('postgres', dev, "INSERT INTO settings (app_settings_name, app_settings_value) VALUES ('w-late', 'v')");
    editModels(tb.root, '    note = Column(Unicode(255), nullable=True)', '    note_author = Column(Unicode(255), nullable=True)');
    const second = await run('cycle', '-m', 'repositories: add note');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/the development database changed since draft \w+ was applied; snapshot \S+ holds it as it was; undid the draft with its own downgrade/);
    expect(await serverQuery('postgres', dev, "SELECT app_settings_value AS v FROM settings WHERE app_settings_name = 'w-late'")).toEqual([{ v: 'v' }]);
    expect(await columns()).toEqual(expect.arrayContaining(['note', 'note_author']));
  });
});
