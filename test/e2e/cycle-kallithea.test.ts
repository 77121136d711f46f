import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { addRepoNotes, devdb, editModels, kallitheaTestbed, query, REPO, sha256 } from '../support/devdb.js';

const REPO_NAME = '    repo_name = Column(Unicode(255), nullable=False, unique=True)';

/** A fresh testbed and a way to run devdb in it. */
async function sandbox() {
  const tb = await kallitheaTestbed();
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  const versions = () => fs.readdirSync(path.join(tb.root, 'kallithea', 'alembic', 'versions')).filter((f) => f.endsWith('.py')).sort();
  const revision = async () => (await query<{ version_num: string }>(tb.devDb, 'select version_num from alembic_version'))[0]?.version_num;
  return { tb, run, versions, revision };
}

/** The cycle's --json report. */
async function cycleJson(run: (...args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>, ...args: string[]) {
  const result = await run('cycle', '--json', ...args);
  return { ...result, report: JSON.parse(result.stdout) };
}

describe('devdb cycle on the Kallithea testbed', () => {
  it('adding a nullable column passes the round trip and is applied after a snapshot', async () => {
    const { tb, run, versions, revision } = await sandbox();
    const before = versions();
    editModels(tb.root, REPO_NAME, '    note = Column(Unicode(255), nullable=True)');
    const { exitCode, report, stderr } = await cycleJson(run, '-m', 'repositories: add note');
    expect(exitCode, stderr).toBe(0);
    expect(report.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual(['upgrade:passed', 'downgrade:passed', 'reupgrade:passed']);
    expect(report.lint.map((f: { rule: string }) => f.rule)).toEqual(['downgrade-drops-added-column']);
    expect(report.rows.before.repositories).toBeGreaterThan(0);
    expect(report.rows.upgrade.repositories).toBe(report.rows.before.repositories);
    const added = versions().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    expect(report.migration).toBe(`kallithea/alembic/versions/${added[0]}`);
    expect(await revision()).toBe(report.revision);
    const columns = await query<{ name: string }>(tb.devDb, "select name from pragma_table_info('repositories')");
    expect(columns.map((c) => c.name)).toContain('note');
    const snapshots = JSON.parse((await run('snapshot', 'list', '--json')).stdout).snapshots;
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0].revisions).toEqual([tb.head]);
  });

  it('adding a table with a foreign key and an index passes, with rows seeded in the tables it touches', async () => {
    const { tb, run, revision } = await sandbox();
    addRepoNotes(tb.root);
    const { exitCode, report, stderr } = await cycleJson(run, '-m', 'repositories: add notes');
    expect(exitCode, stderr).toBe(0);
    expect(report.checks.every((c: { status: string }) => c.status === 'passed')).toBe(true);
    expect(report.downgradeLosses).toEqual([]);
    const indexes = await query<{ name: string }>(tb.devDb, "select name from sqlite_master where type = 'index' and tbl_name = 'repo_notes'");
    expect(indexes.map((i) => i.name)).toContain('rn_repo_id_idx');
    expect(await revision()).toBe(report.revision);
  });

  it('after a model edit the model database is built with create_all, which is the schema kallithea-cli db-create makes of the same models', async () => {
    const { tb, run } = await sandbox();
    editModels(tb.root, REPO_NAME, '    note = Column(Unicode(255), nullable=True)');
    const cycled = await run('cycle', '--no-apply', '-m', 'repositories: add note');
    expect(cycled.exitCode, cycled.stderr).toBe(0);
    expect(cycled.stdout).toContain('built with create_all from the models: setup-db would make the same schema, and only the schema is compared');

    const schemaOf = async (file: string) => query<{ type: string; name: string; sql: string | null }>(file, 'select type, name, sql from sqlite_master order by name');
    const ini = (file: string) => {
      const at = path.join(tb.dir, `${path.basename(file)}.ini`);
      fs.writeFileSync(at, fs.readFileSync(path.join(tb.root, 'temp.ini'), 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = sqlite:///${file}`));
      return at;
    };
    const created = path.join(tb.dir, 'create-all.db');
    const byCli = path.join(tb.dir, 'db-create.db');
    await execa(tb.python, [path.join(REPO, 'templates', 'create_from_models.py'), '--import', 'kallithea.model.db', ini(created)], { cwd: tb.root, timeout: 120_000 });
    await execa(tb.kallitheaCli, ['db-create', '-c', ini(byCli), '--user', 'admin', '--password', tb.adminPassword, '--email', 'admin@example.com', '--repos', tb.repos, '--force-yes', '--no-public-access'], { cwd: tb.root, timeout: 120_000 });
    const schema = await schemaOf(byCli);
    expect(schema.map((o) => o.name)).toContain('repositories');
    expect(await schemaOf(created)).toEqual(schema);
  }, 180_000);

  it('adding an index alone passes', async () => {
    const { tb, run } = await sandbox();
    editModels(tb.root, "        Index('r_repo_name_idx', 'repo_name'),", "        Index('r_repo_type_idx', 'repo_type'),");
    const { exitCode, report, stderr } = await cycleJson(run, '-m', 'repositories: index repo_type');
    expect(exitCode, stderr).toBe(0);
    expect(report.checks.every((c: { status: string }) => c.status === 'passed')).toBe(true);
  });

  it('a change that needs batch mode on SQLite (relaxing NOT NULL) passes, in batch mode', async () => {
    const { tb, run } = await sandbox();
    const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
    fs.writeFileSync(dbPy, fs.readFileSync(dbPy, 'utf8').replace('    description = Column(Unicode(10000), nullable=False)\n    created_on', '    description = Column(Unicode(10000), nullable=True)\n    created_on'));
    const { exitCode, report, stderr } = await cycleJson(run, '-m', 'repositories: description may be empty');
    expect(exitCode, stderr).toBe(0);
    const script = fs.readFileSync(path.join(tb.root, report.migration), 'utf8');
    expect(script).toContain("with op.batch_alter_table('repositories', schema=None) as batch_op:");
    expect(report.lint.filter((f: { rule: string }) => f.rule === 'sqlite-needs-batch')).toEqual([]);
  });

  it('no model change: says so, leaves no script, exits 0, and the development database is untouched', async () => {
    const { tb, run, versions } = await sandbox();
    const before = versions();
    const devHash = sha256(tb.devDb);
    const result = await run('cycle', '-m', 'nothing');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('devdb cycle: no change detected in the models; no migration was written.');
    expect(versions()).toEqual(before);
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('iterating twice in a row replaces the first draft and puts the development database back first', async () => {
    const { tb, run, versions, revision } = await sandbox();
    const before = versions();
    editModels(tb.root, REPO_NAME, '    note = Column(Unicode(255), nullable=True)');
    const first = await cycleJson(run, '-m', 'repositories: add note');
    expect(first.exitCode, first.stderr).toBe(0);
    editModels(tb.root, '    note = Column(Unicode(255), nullable=True)', '    note_author = Column(Unicode(255), nullable=True)');
    const second = await cycleJson(run, '-m', 'repositories: add note and author');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.report.steps[0]).toMatchObject({ id: 'replace-draft', status: 'passed' });
    const added = versions().filter((f) => !before.includes(f));
    expect(added).toEqual([second.report.migration.split('/').pop()]);
    const script = fs.readFileSync(path.join(tb.root, second.report.migration), 'utf8');
    expect(script).toContain(`down_revision = '${tb.head}'`);
    expect(script).toContain("'note'");
    expect(script).toContain("'note_author'");
    expect(await revision()).toBe(second.report.revision);
    const heads = await devdb(['verify', '--json'], { cwd: tb.root, env: tb.env });
    expect(JSON.parse(heads.stdout).ok, heads.stdout).toBe(true);
  });
});
