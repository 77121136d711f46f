import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ciWithReports } from '../support/ci-reports.js';
import { devdb, editModels, git, kallitheaTestbed, tempDir, type Testbed } from '../support/devdb.js';
import { SERVERS } from '../support/servers.js';

// The real Kallithea 0.7 testbed in git, with main and feature branches, taken through
// what a pull request's CI job meets: a clean branch (on SQLite, and on PostgreSQL and
// MariaDB, one from devdb.json's --server-url, one from the job's variable), a model
// change without its migration, a second migration whose downgrade is wrong, and a
// migration that forks the head after main gained one, fixed by devdb rebase. The walk
// starts at main's head, so Kallithea's own older downgrades that fail (4851d15bc437;
// f62826179f39 on MariaDB) never fail a branch. One testbed serves every case, in order.

const HEAD = '7ba0d2cad930';
const MODELS = 'kallithea/model/db.py';
const REPO_NAME = '    repo_name = Column(Unicode(255), nullable=False, unique=True)';
const USERNAME = '    username = Column(String(255), nullable=False, unique=True)';

let tb: Testbed & { env: Record<string, string> };
let reports: string;
const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
const ci = (name: string, { env = {}, args = [] }: { env?: Record<string, string>; args?: string[] } = {}) => ciWithReports(tb.root, reports, name, { env: { ...tb.env, ...env }, args });
const commit = async (message: string) => {
  await git(tb.root, 'add', '-A');
  await git(tb.root, 'commit', '-q', '-m', message);
};

/**
 * A migration as Kallithea's autogenerate writes one for a nullable column (batch mode,
 * the docstring's Revises: line), so devdb rebase can re-parent it; the file, from the checkout's top.
 */
function addColumnMigration(revision: string, down: string, table: string, column: string): string {
  const file = `kallithea/alembic/versions/${revision}_${table}_add_${column}.py`;
  fs.writeFileSync(
    path.join(tb.root, file),
    `"""${table}: add ${column}

Revision ID: ${revision}
Revises: ${down}
Create Date: 2026-01-01 00:00:00

"""

revision = '${revision}'
down_revision = '${down}'
branch_labels = None
depends_on = None

from alembic import op
import sqlalchemy as sa


def upgrade():
    with op.batch_alter_table('${table}', schema=None) as batch_op:
        batch_op.add_column(sa.Column('${column}', sa.Unicode(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('${table}', schema=None) as batch_op:
        batch_op.drop_column('${column}')
`,
  );
  return file;
}

type Check = { id: string; engine: string | null; revision?: string; step?: string; status: string; message?: string; file?: string };
const verifyChecks = (report: { checks: Check[] }, engine = 'sqlite') => report.checks.filter((c) => c.id === 'verify' && c.engine === engine);

beforeAll(async () => {
  tb = await kallitheaTestbed();
  reports = tempDir('ci-kallithea');
  const init = await run('init', '--yes', '--force', '--repos', tb.repos, '--server-url', SERVERS.postgres);
  expect(init.exitCode, init.stderr).toBe(0);
  await commit('devdb.json');
}, 180_000);

describe('devdb ci on the Kallithea testbed in git', () => {
  const note = { revision: 'c1a0e5f1d2b3', file: '' };

  it('passes a clean branch on SQLite, PostgreSQL and MariaDB, walking from main\'s head, and lists what the downgrade takes', async () => {
    await git(tb.root, 'checkout', '-q', '-b', 'feature');
    editModels(tb.root, REPO_NAME, '    note = Column(Unicode(255), nullable=True)');
    note.file = addColumnMigration(note.revision, HEAD, 'repositories', 'note');
    await commit('repositories: add note');

    const started = performance.now();
    const clean = await ci('clean', { args: ['--engine', 'all'], env: { DEVDB_MYSQL_URL: SERVERS.mysql } });
    console.log(`devdb ci --engine all on the Kallithea testbed, one new migration, ms: ${Math.round(performance.now() - started)}`);
    expect(clean.exitCode, clean.markdown + clean.stderr).toBe(0);
    expect(clean.report).toMatchObject({ ok: true, engines: ['sqlite', 'postgres', 'mysql'], migrations: [note.file], models: [MODELS], base: { name: 'main' } });
    for (const engine of ['sqlite', 'postgres', 'mysql']) {
      expect(verifyChecks(clean.report, engine).map((c) => [c.revision, c.status])).toEqual([[HEAD, 'passed'], [note.revision, 'passed']]);
      expect(clean.markdown).toContain(`| ${engine} | ✅ passed | ✅ passed | ✅ passed | ✅ passed |`);
      expect(clean.markdown).toContain(`| ${engine} | \`${note.revision}\` | \`${note.file}\` | \`repositories\` | \`note\` | 2 | its upgrade added it |`);
    }
    // models and verify (main's head, the branch's migration) per engine, heads and lint once.
    expect(clean.junit).toMatchObject({ tests: '11', failures: '0' });
    expect(clean.report.downgradeLosses).toEqual(['sqlite', 'postgres', 'mysql'].map((engine) => ({ engine, revision: note.revision, file: note.file, table: 'repositories', column: 'note', rows: 2, allowed: 'added' })));
    expect(clean.sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['lint/downgrade-drops-added-column']);
  });

  it('fails a model change without its migration, naming the model file and devdb cycle -m', async () => {
    await git(tb.root, 'checkout', '-q', '-b', 'no-migration', 'main');
    editModels(tb.root, REPO_NAME, '    draft = Column(Unicode(255), nullable=True)');
    await commit('repositories: add draft, no migration');
    const unmigrated = await ci('unmigrated');
    expect(unmigrated.exitCode, unmigrated.markdown).toBe(1);
    expect(unmigrated.checks.models).toMatchObject({ status: 'failed', engine: 'sqlite', file: MODELS });
    expect(unmigrated.checks.models?.message).toBe(`The models changed (${MODELS}) but the migrations do not build the same schema (repositories.draft has no migration); run devdb cycle -m "area: message" and commit the migration it writes.`);
    expect(unmigrated.junit.testsuite[0]?.testcase[0]?.failure?.message).toBe(unmigrated.checks.models?.message);
    expect(unmigrated.sarif.runs[0].results[0]).toMatchObject({ ruleId: 'ci/models', level: 'error' });
    expect(unmigrated.markdown).toContain(`- **models and migrations agree on sqlite** (\`${MODELS}:1\`): The models changed`);
  });

  it('fails a branch whose second migration\'s downgrade drops the first one\'s column, naming that migration', async () => {
    await git(tb.root, 'checkout', '-q', '-b', 'broken-downgrade', 'feature');
    editModels(tb.root, REPO_NAME, '    topic = Column(Unicode(255), nullable=True)');
    const second = { revision: 'd2b1f6a2e3c4', file: addColumnMigration('d2b1f6a2e3c4', note.revision, 'repositories', 'topic') };
    const script = path.join(tb.root, second.file);
    fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace("batch_op.drop_column('topic')", "batch_op.drop_column('note')"));
    await commit('repositories: add topic, wrong downgrade');
    const broken = await ci('broken');
    expect(broken.exitCode, broken.markdown).toBe(1);
    const walked = verifyChecks(broken.report);
    expect(walked.map((c) => [c.revision, c.status])).toEqual([[HEAD, 'passed'], [note.revision, 'passed'], [second.revision, 'failed']]);
    expect(walked[2]).toMatchObject({ step: 'downgrade', file: second.file });
    expect(walked[2]?.message).toMatch(new RegExp(`^Revision ${second.revision} \\(.*\\): after its downgrade the database differs from the database before its upgrade .*repositories\\.note`));
    const failing = broken.junit.testsuite.flatMap((s) => s.testcase).filter((c) => c.failure);
    expect(failing.map((c) => c.name)).toEqual([`each new migration up, down, up ${second.revision} (downgrade failed) on sqlite`]);
    expect(broken.sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'ci/verify').locations[0].physicalLocation.artifactLocation.uri).toBe(second.file);
    expect(broken.markdown).toContain(`- **each new migration up, down, up ${second.revision} (downgrade failed) on sqlite** (\`${second.file}:`);
  });

  it('fails a branch forked before main gained a migration until devdb rebase re-parents it', async () => {
    await git(tb.root, 'checkout', '-q', 'main');
    editModels(tb.root, USERNAME, '    nickname = Column(Unicode(255), nullable=True)');
    const nickname = { revision: 'e3c2a7b3f4d5', file: addColumnMigration('e3c2a7b3f4d5', HEAD, 'users', 'nickname') };
    await commit('users: add nickname');
    await git(tb.root, 'checkout', '-q', 'feature');
    await git(tb.root, 'merge', '-q', 'main', '-m', 'merge main');

    const forked = await ci('forked');
    expect(forked.exitCode, forked.markdown).toBe(1);
    expect(forked.checks.heads).toMatchObject({ status: 'failed', file: note.file });
    expect(forked.checks.heads?.message).toMatch(new RegExp(`^The migrations would have 2 heads \\((${note.revision}, ${nickname.revision}|${nickname.revision}, ${note.revision})\\); .*"devdb rebase"`));
    expect(forked.checks.verify).toMatchObject({ status: 'skipped' });
    expect(forked.sarif.runs[0].results[0]).toMatchObject({ ruleId: 'ci/heads', level: 'error' });
    expect(forked.markdown).toContain('| sqlite | ⏭️ skipped | ❌ failed | ⏭️ skipped | ✅ passed |');

    const rebased = await run('rebase', '--json');
    expect(rebased.exitCode, rebased.stdout + rebased.stderr).toBe(0);
    expect(JSON.parse(rebased.stdout)).toMatchObject({ ok: true, command: 'rebase', migration: note.file, moved: true, onto: nickname.revision, verify: { ok: true } });
    await commit('rebase onto users: add nickname');
    const fixed = await ci('rebased');
    expect(fixed.exitCode, fixed.markdown).toBe(0);
    // The merge base is now main's tip: the walk starts at its head, the nickname migration, and walks the rebased one.
    expect(verifyChecks(fixed.report).map((c) => [c.revision, c.status])).toEqual([[nickname.revision, 'passed'], [note.revision, 'passed']]);
    expect(fixed.junit).toMatchObject({ tests: '5', failures: '0' });
    expect(fixed.markdown).toContain('## devdb ci: ✅ passed');
  });
});
