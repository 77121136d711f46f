import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alembicProject, projectEdits, CLI, devdb, git, tempDir, type AlembicProject } from '../support/devdb.js';
import { ciWithReports, parseJunit, validSarif } from '../support/ci-reports.js';
import { pythonWithDrivers } from '../support/drivers.js';
import { SERVERS } from '../support/servers.js';

// One small Alembic project in git, with a main branch and feature branches, taken through
// what a pull request's CI job meets: a clean branch, a model change without its
// migration, and a migration that forks the head after main gained one, fixed by
// devdb rebase. Every run writes the three reports, and each is read back as CI reads it.

let project: AlembicProject;
let reports: string;
const { run, commit, models, addColumn, migrate } = projectEdits(() => project);

/** devdb ci with all three reports, read back as CI reads them. */
const ci = (name: string, env: Record<string, string> = {}) => ciWithReports(project.root, reports, name, { env });

beforeAll(async () => {
  project = await alembicProject();
  reports = tempDir('ci-reports');
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
  fs.appendFileSync(path.join(project.root, '.gitignore'), 'project.json\n');
  await git(project.root, 'branch', '-m', 'main');
  await commit('devdb.json');
  addColumn('title');
  await migrate('notes: add title');
  await commit('notes: add title');
}, 120_000);

describe('devdb ci on a plain Alembic project in git', () => {
  it('passes a clean branch, fails a model change without its migration, and fails a forked head until devdb rebase fixes it', async () => {
    await git(project.root, 'checkout', '-q', '-b', 'feature');
    addColumn('author');
    const { migration } = await migrate('notes: add author');
    await commit('notes: add author');
    const summary = path.join(reports, 'summary.md');
    const clean = await ci('clean', { GITHUB_STEP_SUMMARY: summary });
    expect(clean.exitCode, clean.markdown).toBe(0);
    expect(clean.report).toMatchObject({ ok: true, migrations: [migration], models: ['app/models.py'], engines: ['sqlite'], base: { name: 'main' } });
    expect(Object.values(clean.checks).map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    // The walk starts at main's head and goes up through the branch's migration: two verify cases.
    expect(clean.junit).toMatchObject({ tests: '5', failures: '0' });
    expect(clean.junit.testsuite.flatMap((s) => s.testcase.map((c) => c.classname))).toEqual(['devdb.ci.models', 'devdb.ci.heads', 'devdb.ci.verify', 'devdb.ci.verify', 'devdb.ci.lint']);
    expect(clean.markdown).toContain('| sqlite | ✅ passed | ✅ passed | ✅ passed | ✅ passed |');
    expect(clean.sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('lint/downgrade-drops-added-column');
    expect(fs.readFileSync(summary, 'utf8')).toBe(clean.markdown);
    // The downgrade of the added column takes the values the walk put in it, which is what it may lose; main's head walked again is not the branch's.
    expect(clean.report.downgradeLosses).toEqual([{ engine: 'sqlite', revision: expect.any(String), file: migration, table: 'notes', column: 'author', rows: 2, allowed: 'added' }]);
    expect(clean.markdown).toContain(`| sqlite | \`${clean.report.downgradeLosses[0].revision}\` | \`${migration}\` | \`notes\` | \`author\` | 2 | its upgrade added it |`);

    // Server engines with a virtualenv that has no driver for them: one sentence per engine naming the package, exit 2, never a pass.
    const servers = { DEVDB_POSTGRES_URL: SERVERS.postgres, DEVDB_MYSQL_URL: SERVERS.mysql };
    const driverless = await devdb(['ci', '--engine', 'all', '--json'], { cwd: project.root, env: servers });
    expect(driverless.exitCode).toBe(2);
    const unopened = (JSON.parse(driverless.stdout).checks as { id: string; engine: string; status: string; message: string }[]).filter((c) => c.id === 'verify' && c.engine !== 'sqlite');
    expect(unopened.map((c) => [c.engine, c.status])).toEqual([['postgres', 'failed'], ['mysql', 'failed']]);
    expect(unopened[0]?.message).toMatch(/has no PostgreSQL driver for SQLAlchemy; install one with ".* -m pip install psycopg2-binary"\.$/);
    expect(unopened[1]?.message).toMatch(/has no MariaDB\/MySQL driver for SQLAlchemy; install one with ".* -m pip install PyMySQL"\.$/);

    // Every new migration is walked, not only the newest: the second one's downgrade drops the first one's column.
    await git(project.root, 'checkout', '-q', '-b', 'broken-downgrade');
    addColumn('editor');
    const second = await migrate('notes: add editor');
    const script = path.join(project.root, second.migration);
    fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace("op.drop_column('notes', 'editor')", "op.drop_column('notes', 'author')"));
    await commit('notes: add editor, wrong downgrade');
    const broken = await ci('broken');
    expect(broken.exitCode, broken.markdown).toBe(1);
    const walked = (broken.report.checks as { id: string; revision?: string; status: string; step?: string; file?: string; message?: string }[]).filter((c) => c.id === 'verify');
    expect(walked.map((c) => c.status)).toEqual(['passed', 'passed', 'failed']);
    expect(walked[2]).toMatchObject({ revision: second.revision, step: 'downgrade', file: second.migration });
    expect(walked[2]?.message).toMatch(new RegExp(`^Revision ${second.revision} \\(.*\\): after its downgrade the database differs from the database before its upgrade`));
    const failing = broken.junit.testsuite.flatMap((s) => s.testcase).filter((c) => c.failure);
    expect(failing.map((c) => c.name)).toContain(`each new migration up, down, up ${second.revision} (downgrade failed) on sqlite`);
    expect(failing.find((c) => c.classname === 'devdb.ci.verify')?.failure?.message).toBe(walked[2]?.message);
    expect(broken.markdown).toContain(`- **each new migration up, down, up ${second.revision} (downgrade failed) on sqlite** (\`${second.migration}:`);

    await git(project.root, 'checkout', '-q', '-b', 'no-migration', 'main');
    addColumn('draft');
    await commit('notes: add draft, no migration');
    const unmigrated = await ci('unmigrated');
    expect(unmigrated.exitCode).toBe(1);
    expect(unmigrated.checks.models).toMatchObject({ status: 'failed', engine: 'sqlite', file: 'app/models.py' });
    expect(unmigrated.checks.models.message).toBe('The models changed (app/models.py) but the migrations do not build the same schema (notes.draft has no migration); run devdb cycle -m "area: message" and commit the migration it writes.');
    expect(unmigrated.junit.testsuite[0]?.testcase[0]?.failure?.message).toBe(unmigrated.checks.models.message);
    expect(unmigrated.markdown).toContain('## devdb ci: ❌ failed');
    expect(unmigrated.sarif.runs[0].results[0]).toMatchObject({ ruleId: 'ci/models', level: 'error' });

    await git(project.root, 'checkout', '-q', 'main');
    fs.writeFileSync(models(), fs.readFileSync(models(), 'utf8').replace('class Note(Base):', 'class Tag(Base):\n    __tablename__ = "tags"\n    id = Column(Integer, primary_key=True)\n\n\nclass Note(Base):'));
    const tags = await migrate('tags');
    await commit('tags');
    await git(project.root, 'checkout', '-q', 'feature');
    const behind = await ci('behind');
    expect(behind.exitCode).toBe(1);
    expect(behind.checks.heads).toMatchObject({ status: 'failed', file: migration, line: 16 });
    expect(behind.checks.heads.message).toMatch(
      new RegExp(`^main has migrations this branch lacks \\(${tags.migration}\\); merge main into the branch, then: The migrations would have 2 heads \\(\\w+, \\w+\\); re-parent the new migration onto the other head with "devdb rebase"`),
    );
    expect(behind.sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: migration, uriBaseId: '%SRCROOT%' }, region: { startLine: 16 } });

    const early = await run('rebase');
    expect(early.exitCode).toBe(2);
    expect(early.stderr.trim()).toBe(`devdb: main has migrations this branch lacks (${tags.migration}); merge main into the branch first, then run devdb rebase again.`);

    await git(project.root, 'merge', '-q', 'main', '-m', 'merge main');
    const forked = await ci('forked');
    expect(forked.exitCode).toBe(1);
    expect(forked.checks.heads.message).toMatch(/^The migrations would have 2 heads .*"devdb rebase"/);
    expect(forked.checks.verify).toMatchObject({ status: 'skipped' });

    const before = fs.readFileSync(path.join(project.root, migration), 'utf8');
    const rebased = await run('rebase', '--json');
    expect(rebased.exitCode, rebased.stdout).toBe(0);
    expect(JSON.parse(rebased.stdout)).toMatchObject({ ok: true, command: 'rebase', migration, moved: true, onto: tags.revision, verify: { ok: true } });
    const after = fs.readFileSync(path.join(project.root, migration), 'utf8');
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toEqual([`Revises: ${tags.revision}`, `down_revision: Union[str, Sequence[str], None] = '${tags.revision}'`]);
    await commit('rebase onto tags');

    // The recipe as a team commits it, on a fresh clone: its run steps in order, as the GitHub job runs them. The
    // install steps are what this machine has already (the shared virtualenv with the drivers the recipe installs as
    // .venv, the built CLI as devdb), the comment needs GitHub; the job's server variables are those of its service
    // containers, which are this machine's servers, so --engine all walks SQLite, PostgreSQL and MariaDB.
    const init = await run('init', '--ci', 'github');
    expect(init.exitCode, init.stderr).toBe(0);
    expect((await run('init', '--ci', 'github')).stderr).toMatch(/devdb\.yml exists already; devdb does not overwrite it/);
    await commit('devdb in CI');
    const clone = path.join(tempDir('ci-clone'), 'clone');
    await execa('git', ['clone', '-q', project.root, clone]);
    fs.symlinkSync(path.dirname(path.dirname(await pythonWithDrivers(project.python))), path.join(clone, '.venv'));
    const workflow = parse(fs.readFileSync(path.join(clone, '.github', 'workflows', 'devdb.yml'), 'utf8'));
    const jobEnv = workflow.jobs.migrations.env as Record<string, string>;
    expect([jobEnv.DEVDB_POSTGRES_URL, jobEnv.DEVDB_MYSQL_URL]).toEqual([SERVERS.postgres, SERVERS.mysql]);
    const steps = (workflow.jobs.migrations.steps as { name?: string; run?: string }[]).filter((s) => s.run && !['Install the project', 'Install devdb', 'Comment on the pull request'].includes(s.name ?? ''));
    expect(steps.map((s) => s.name)).toEqual(["Point devdb at the project's Python", 'devdb ci']);
    for (const step of steps) {
      const job = await execa('bash', ['-e', '-c', `devdb() { node ${JSON.stringify(CLI)} "$@"; }\n${step.run}`], { cwd: clone, env: { ...jobEnv, BASE_REF: 'origin/main', NO_COLOR: '1' }, reject: false, timeout: 180_000 });
      expect(job.exitCode, `${step.name}: ${job.stderr}`).toBe(0);
      if (step.name === 'devdb ci') expect(job.stdout).toContain('devdb ci: every check passed.');
    }
    // models and verify (main's head and the branch's migration) on each of the three engines, heads and lint once.
    const recipe = parseJunit(fs.readFileSync(path.join(clone, 'devdb-junit.xml'), 'utf8')).testsuites;
    expect(recipe).toMatchObject({ tests: '11', failures: '0' });
    expect(recipe.testsuite.flatMap((suite) => suite.testcase.map((c) => c.name)).filter((name) => name.endsWith('on mysql'))).toHaveLength(3);
    expect(validSarif(JSON.parse(fs.readFileSync(path.join(clone, 'devdb.sarif'), 'utf8')))).toBe(true);
    expect(fs.readFileSync(path.join(clone, 'devdb-comment.md'), 'utf8')).toContain('## devdb ci: ✅ passed');
  }, 300_000);
});
