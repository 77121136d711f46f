import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, projectEdits, tempDir, type AlembicProject } from '../support/devdb.js';
import { parseJunit, validSarif } from '../support/ci-reports.js';
import { withMercurial } from '../support/mercurial.js';

// ci-alembic.test.ts's pull request, in Mercurial: the small Alembic project's history on
// `default`, pushed (public), and named branches off it. A clean branch, a model change
// without its migration, and a forked head after default gained a migration, fixed by
// devdb rebase; every run writes the three reports, each read back as CI reads it.

let project: AlembicProject;
let env: Record<string, string>;
let reports: string;
const { run, commit, models, addColumn, migrate } = projectEdits(() => project, 'hg', () => env);
const hg = (...args: string[]) => execa('hg', args, { cwd: project.root, env, stdin: 'ignore' });

/** devdb ci with all three reports: its JSON report, and the reports as CI systems read them. */
async function ci(name: string, ...args: string[]) {
  const file = (ext: string) => path.join(reports, `${name}.${ext}`);
  const result = await devdb(['ci', '--json', '--junit', file('xml'), '--sarif', file('sarif'), '--markdown', file('md'), ...args], { cwd: project.root, env });
  const report = JSON.parse(result.stdout);
  const sarif = JSON.parse(fs.readFileSync(file('sarif'), 'utf8'));
  expect(validSarif(sarif), JSON.stringify(validSarif.errors)).toBe(true);
  const checks = Object.fromEntries((report.checks as { id: string; status: string; message?: string }[]).map((c) => [c.id, c]));
  return { exitCode: result.exitCode, report, checks, junit: parseJunit(fs.readFileSync(file('xml'), 'utf8')).testsuites, sarif, markdown: fs.readFileSync(file('md'), 'utf8') };
}

beforeAll(async () => {
  env = await withMercurial();
  project = await alembicProject();
  reports = tempDir('ci-hg-reports');
  fs.rmSync(path.join(project.root, '.git'), { recursive: true });
  fs.writeFileSync(path.join(project.root, '.hgignore'), 'syntax: glob\n*.db\n__pycache__/\nproject.json\n');
  await hg('init');
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
  await commit('initial, devdb.json');
  addColumn('title');
  await migrate('notes: add title');
  await commit('notes: add title');
  // What was pushed: devdb ci's default base is default's public tip.
  await hg('phase', '--public', '.');
}, 300_000);

describe('devdb ci on a plain Alembic project in Mercurial', () => {
  it('passes a clean named branch, fails a model change without its migration, and fails a forked head until devdb rebase fixes it', async () => {
    await hg('branch', '-q', 'feature');
    addColumn('author');
    const { migration } = await migrate('notes: add author');
    await commit('notes: add author');
    const clean = await ci('clean');
    expect(clean.exitCode, clean.markdown).toBe(0);
    const { stdout: pushed } = await hg('log', '-r', 'last(public())', '-T', '{node}');
    expect(clean.report).toMatchObject({ ok: true, migrations: [migration], models: ['app/models.py'], engines: ['sqlite'], base: { name: 'default', tip: pushed, mergeBase: pushed } });
    expect(Object.values(clean.checks).map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    // The walk starts at default's head and goes up through the branch's migration: two verify cases.
    expect(clean.junit).toMatchObject({ tests: '5', failures: '0' });
    expect(clean.junit.testsuite.flatMap((s) => s.testcase.map((c) => c.classname))).toEqual(['devdb.ci.models', 'devdb.ci.heads', 'devdb.ci.verify', 'devdb.ci.verify', 'devdb.ci.lint']);
    expect(clean.markdown).toContain('| sqlite | ✅ passed | ✅ passed | ✅ passed | ✅ passed |');
    expect(clean.markdown).toContain(`Compared with \`default\` (merge base \`${pushed.slice(0, 12)}\`)`);

    // --base-ref takes any hg revision: a revset, here the initial changeset, so both migrations are the branch's.
    const given = await ci('given', '--base-ref', 'first(branch("default"))');
    expect(given.exitCode, given.markdown).toBe(0);
    expect(given.report.base.name).toBe('first(branch("default"))');
    expect(given.report.migrations).toHaveLength(2);
    const unknown = await devdb(['ci', '--base-ref', 'nope'], { cwd: project.root, env });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr.trim()).toBe(`devdb: --base-ref nope names no changeset in ${project.root}; pull it or give another revision.`);

    await hg('update', '-q', 'default');
    await hg('branch', '-q', 'no-migration');
    addColumn('draft');
    await commit('notes: add draft, no migration');
    const unmigrated = await ci('unmigrated');
    expect(unmigrated.exitCode).toBe(1);
    expect(unmigrated.checks.models).toMatchObject({ status: 'failed', engine: 'sqlite', file: 'app/models.py' });
    expect(unmigrated.checks.models.message).toBe('The models changed (app/models.py) but the migrations do not build the same schema (notes.draft has no migration); run devdb cycle -m "area: message" and commit the migration it writes.');
    expect(unmigrated.junit.testsuite[0]?.testcase[0]?.failure?.message).toBe(unmigrated.checks.models.message);
    expect(unmigrated.markdown).toContain('## devdb ci: ❌ failed');
    expect(unmigrated.sarif.runs[0].results[0]).toMatchObject({ ruleId: 'ci/models', level: 'error' });

    // default gains a migration, pushed, while feature's draft still follows the old head.
    await hg('update', '-q', 'default');
    fs.writeFileSync(models(), fs.readFileSync(models(), 'utf8').replace('class Note(Base):', 'class Tag(Base):\n    __tablename__ = "tags"\n    id = Column(Integer, primary_key=True)\n\n\nclass Note(Base):'));
    const tags = await migrate('tags');
    await commit('tags');
    await hg('phase', '--public', '.');
    await hg('update', '-q', 'feature');
    const behind = await ci('behind');
    expect(behind.exitCode).toBe(1);
    expect(behind.checks.heads).toMatchObject({ status: 'failed', file: migration, line: 16 });
    expect(behind.checks.heads.message).toMatch(
      new RegExp(`^default has migrations this branch lacks \\(${tags.migration}\\); merge default into the branch, then: The migrations would have 2 heads \\(\\w+, \\w+\\); re-parent the new migration onto the other head with "devdb rebase"`),
    );
    const early = await run('rebase');
    expect(early.exitCode).toBe(2);
    expect(early.stderr.trim()).toBe(`devdb: default has migrations this branch lacks (${tags.migration}); merge default into the branch first, then run devdb rebase again.`);

    await hg('merge', '-q', '--tool', ':merge', 'default');
    await commit('merge default');
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

    const fixed = await ci('fixed');
    expect(fixed.exitCode, fixed.markdown).toBe(0);
    expect(fixed.report).toMatchObject({ ok: true, migrations: [migration], base: { name: 'default' } });
    expect(fixed.junit).toMatchObject({ failures: '0' });
    expect(fixed.markdown).toContain('## devdb ci: ✅ passed');

    // A repository never pushed has no public changeset: default's tip, and its common ancestor with the checkout.
    await hg('phase', '--draft', '--force', 'all()');
    const { stdout: tip } = await hg('log', '-r', 'max(branch("default"))', '-T', '{node}');
    const local = await ci('local');
    expect(local.exitCode, local.markdown).toBe(0);
    expect(local.report.base).toEqual({ name: 'default', tip, mergeBase: tip });
  });
});
