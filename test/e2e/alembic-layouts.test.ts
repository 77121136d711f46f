import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addLine, alembicLayout, devdb, git, query, type LayoutName } from '../support/devdb.js';

// Five real-shaped Alembic projects (scripts/alembic-layouts.mjs), each taken through
// what a new user does: init --yes with only the flags its layout needs, reset, a cycle
// on a nullable column (applied), check refusing a model-only commit, verify catching a
// hand-broken downgrade, then the downgrade fixed by hand and applied with devdb apply.

const LAYOUTS: LayoutName[] = ['package-ini', 'models-package', 'orm-setup', 'dev-db', 'busy-env'];

const revision = async (devDb: string) => (await query<{ version_num: string }>(devDb, 'select version_num from alembic_version')).map((r) => r.version_num);

describe.each(LAYOUTS)('the %s layout, as a new user runs devdb on it', (layout) => {
  it('init, reset, cycle, check, verify and apply do the right thing', async () => {
    const project = await alembicLayout(layout);
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    const table = layout === 'models-package' ? 'posts' : 'notes';

    const init = await run('init', '--yes', ...project.flags);
    expect(init.exitCode, init.stderr).toBe(0);
    const reset = await run('reset');
    expect(reset.exitCode, reset.stdout + reset.stderr).toBe(0);

    addLine(project.root, project.models, project.after, '    title = Column(String(80), nullable=True)');
    const cycle = await run('cycle', '--json', '-m', `${table}: add title`);
    expect(cycle.exitCode, cycle.stdout + cycle.stderr).toBe(0);
    const cycled = JSON.parse(cycle.stdout);
    expect(cycled.checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed', 'passed']);
    expect(await revision(project.devDb)).toEqual([cycled.revision]);
    await git(project.root, 'add', project.models, cycled.migration);
    await git(project.root, 'commit', '-q', '-m', `${table}: add title`);

    addLine(project.root, project.models, project.after, '    subtitle = Column(String(80), nullable=True)');
    await git(project.root, 'add', project.models);
    const check = await run('check', '--json');
    expect(check.exitCode, check.stdout + check.stderr).toBe(1);
    expect(JSON.parse(check.stdout).models).toEqual([project.models]);

    const draft = await run('cycle', '--json', '--no-apply', '-m', `${table}: add subtitle`);
    expect(draft.exitCode, draft.stdout + draft.stderr).toBe(0);
    const drafted = JSON.parse(draft.stdout);
    const file = path.join(project.root, drafted.migration);
    const written = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, written.replace(/def downgrade\(\)[^\n]*\n[\s\S]*$/, "def downgrade() -> None:\n    op.create_table('oops', sa.Column('id', sa.Integer(), primary_key=True))\n"));
    const verify = await run('verify', '--json');
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(1);
    expect(JSON.parse(verify.stdout).checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual(['upgrade:passed', 'downgrade:failed']);

    fs.writeFileSync(file, written);
    const apply = await run('apply', '--json');
    expect(apply.exitCode, apply.stdout + apply.stderr).toBe(0);
    expect(JSON.parse(apply.stdout).checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed', 'passed']);
    expect(await revision(project.devDb)).toEqual([drafted.revision]);
  });
});
