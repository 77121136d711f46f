import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { addRepoNotes, devdb, editModels, query, REPO, sha256, tempDir } from '../support/devdb.js';
import { gearboxMissing, gearboxTestbed, type GearboxTestbed } from '../support/gearbox.js';

// The seed's own loop on the gearbox-era Kallithea (Python 2.7), the scenarios the 0.7
// testbed passes. One testbed for the whole file: each scenario starts from where the
// one before left the project, as a developer's would.

const missing = await gearboxMissing();
if (missing) console.log(`gearbox-kallithea: skipped, ${missing}`);

const REPO_NAME = '    repo_name = Column(Unicode(255), nullable=False, unique=True)';
const NOTE = '    note = Column(Unicode(255), nullable=True)';

type Report = { ok: boolean; steps: { id: string; status: string }[]; checks: { id: string; status: string }[]; [key: string]: unknown };

describe('npm run testbed -- DIR --dialect gearbox without what it needs', () => {
  const testbed = (env: Record<string, string>) => {
    const dir = path.join(tempDir('gearbox-missing'), 'testbed');
    return { dir, run: execa('node', [path.join(REPO, 'scripts', 'testbed.mjs'), '--dialect', 'gearbox', dir], { env, reject: false, stdin: 'ignore' }) };
  };

  it('says the tarball is missing and exits 2, making nothing', async () => {
    const { dir, run } = testbed({ DEVDB_GEARBOX_SOURCE: '/nonexistent/kallithea.tar.gz' });
    const result = await run;
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('testbed: error: DEVDB_GEARBOX_SOURCE names /nonexistent/kallithea.tar.gz, which does not exist.');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('says the Python is not a 2.7 and exits 2', async () => {
    const result = await testbed({ DEVDB_GEARBOX_PYTHON: 'python3' }).run;
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^testbed: error: DEVDB_GEARBOX_PYTHON \(python3\) is Python 3\.\d+\.\d+; the gearbox testbed needs a Python 2\.7\.$/);
  });
});

describe.skipIf(missing !== undefined)('devdb on the gearbox-era Kallithea (Python 2.7)', () => {
  let tb: GearboxTestbed & { env: Record<string, string> };
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  const json = async (...args: string[]) => {
    const result = await run(...args, '--json');
    return { ...result, report: JSON.parse(result.stdout) as Report };
  };
  const git = (...args: string[]) => execa('git', args, { cwd: tb.root, reject: false, stdin: 'ignore' });
  const commit = (message: string) => git('-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', 'commit', '-q', '-m', message);
  const revision = async (file: string) => (await query<{ version_num: string }>(file, 'select version_num from alembic_version'))[0]?.version_num;
  const tempIni = () => fs.readFileSync(path.join(tb.root, 'temp.ini'), 'utf8');
  let migration = '';
  let applied = '';

  beforeAll(async () => {
    tb = await gearboxTestbed();
  }, 600_000);

  it('devdb init picks the kallithea-gearbox preset for that tree', () => {
    expect(JSON.parse(fs.readFileSync(path.join(tb.root, 'devdb.json'), 'utf8'))).toMatchObject({ preset: 'kallithea-gearbox', devIni: 'development.ini' });
    expect(tb).toMatchObject({ dialect: 'gearbox', pythonVersion: '2.7.18', alembicVersion: '1.0.11', head: 'a020f7044fd6' });
  });

  it('reset runs gearbox make-config, setup-db and repo-scan into temp.db at the head; unchanged, it is served from the cache', async () => {
    const dry = await run('reset', '--dry-run');
    expect(dry.stdout).toContain('gearbox make-config temp.ini');
    expect(dry.stdout).toContain('--email admin@example.com --password=*** --no-public-access --force-yes');
    expect(dry.stdout).not.toContain(tb.adminPassword);
    const first = await json('reset');
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.report.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['make-config:passed', 'point-db:passed', 'drop-db:skipped', 'setup-db:passed', 'repo-scan:passed']);
    const tempDb = path.join(tb.root, 'temp.db');
    expect(await revision(tempDb)).toBe(tb.head);
    const repos = await query<{ repo_name: string }>(tempDb, 'select repo_name from repositories');
    expect(repos.map((r) => r.repo_name).sort()).toEqual([...tb.sampleRepos].sort());
    expect(tempIni()).toMatch(/^sqlalchemy\.url = sqlite:\/\/\/%\(here\)s\/temp\.db$/m);
    const again = await json('reset');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.report.cache).toMatchObject({ hit: true });
  });

  it("--sql-log on sets level = DEBUG in the era's [handler_console_sql], and setup-db then logs its SQL", async () => {
    const on = await run('reset', '--sql-log', 'on', '--verbose');
    expect(on.exitCode, on.stderr).toBe(0);
    expect(tempIni()).toMatch(/\[handler_console_sql\]\n(?:[^[\n].*\n)*level = DEBUG\n/);
    expect(on.stdout + on.stderr).toContain('CREATE TABLE users');
    const off = await run('reset', '--sql-log', 'off', '--verbose');
    expect(off.exitCode, off.stderr).toBe(0);
    expect(tempIni()).toMatch(/\[handler_console_sql\]\n(?:[^[\n].*\n)*level = WARN\n/);
    expect(off.stdout + off.stderr).not.toContain('CREATE TABLE users');
  });

  it('the hook refuses a model-only commit; cycle proves a nullable column, applies it after a snapshot, and the commit goes through', async () => {
    expect((await run('hook', 'install')).exitCode).toBe(0);
    editModels(tb.root, REPO_NAME, NOTE);
    await git('add', 'kallithea/model/db.py');
    const checked = await json('check');
    expect(checked.exitCode).toBe(1);
    expect(checked.report).toMatchObject({ ok: false, models: ['kallithea/model/db.py'], migrations: [] });
    const refused = await commit('repositories: add note');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('The models changed (kallithea/model/db.py) but no new migration is part of this commit; run devdb cycle -m');

    const cycled = await json('cycle', '-m', 'repositories: add note');
    expect(cycled.exitCode, cycled.stderr).toBe(0);
    expect(cycled.report.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['upgrade:passed', 'downgrade:passed', 'reupgrade:passed']);
    migration = cycled.report.migration as string;
    applied = cycled.report.revision as string;
    expect(path.dirname(migration)).toBe('kallithea/alembic/versions');
    expect(await revision(tb.devDb)).toBe(cycled.report.revision);
    const columns = await query<{ name: string }>(tb.devDb, "select name from pragma_table_info('repositories')");
    expect(columns.map((c) => c.name)).toContain('note');
    const snapshots = JSON.parse((await run('snapshot', 'list', '--json')).stdout).snapshots;
    expect(snapshots.map((s: { revisions: string[] }) => s.revisions)).toEqual([[tb.head]]);

    await git('add', migration);
    const accepted = await commit('repositories: add note');
    expect(accepted.exitCode, accepted.stderr).toBe(0);
  });

  it('verify catches a downgrade broken by hand, naming the difference, and leaves the development database alone', async () => {
    const file = path.join(tb.root, migration);
    const source = fs.readFileSync(file, 'utf8');
    const devHash = sha256(tb.devDb);
    fs.writeFileSync(file, source.replace(/(def downgrade\(\):\n)/, "$1    op.create_index('devdb_stray_idx', 'repositories', ['repo_type'])\n"));
    try {
      const result = await json('verify');
      expect(result.exitCode).toBe(1);
      expect(result.report.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['upgrade:passed', 'downgrade:failed']);
      const diffs = result.report.diffs as { changes: { kind: string; object: string }[] }[];
      expect(diffs[0]?.changes.map((c) => `${c.kind} ${c.object}`)).toEqual(['index-added devdb_stray_idx']);
    } finally {
      fs.writeFileSync(file, source);
    }
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('cycle proves a new table with a foreign key and an index, and applies it', async () => {
    addRepoNotes(tb.root, 'Base');
    const cycled = await json('cycle', '-m', 'repositories: add notes');
    expect(cycled.exitCode, cycled.stderr).toBe(0);
    expect(cycled.report.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(cycled.report.downgradeLosses).toEqual([]);
    const script = fs.readFileSync(path.join(tb.root, cycled.report.migration as string), 'utf8');
    expect(script).toContain(`down_revision = '${applied}'`);
    const indexes = await query<{ name: string }>(tb.devDb, "select name from sqlite_master where type = 'index' and tbl_name = 'repo_notes'");
    expect(indexes.map((i) => i.name)).toContain('rn_repo_id_idx');
    expect(await revision(tb.devDb)).toBe(cycled.report.revision);
  });
});
