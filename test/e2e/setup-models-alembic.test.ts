import { describe, expect, it } from 'vitest';
import { addLine, alembicLayout, devdb, query } from '../support/devdb.js';

// A project whose first migration assumes the tables exist (it builds databases with
// create_all, then alembic stamp head): reset says to use --setup models, and with it
// reset, cycle --base vcs and verify --base vcs build their databases that way too.

describe('init --setup models', () => {
  it('a failing upgrade from empty names --setup models; with it, reset and --base vcs build from the models and stamp head', async () => {
    const project = await alembicLayout('orm-setup');
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes')).exitCode).toBe(0);
    const refused = await run('reset');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('no such table: notes');
    expect(refused.stderr).toContain('run "devdb init --yes --force --setup models"');

    expect((await run('init', '--yes', '--force', '--setup', 'models')).exitCode).toBe(0);
    const reset = await run('reset');
    expect(reset.exitCode, reset.stdout + reset.stderr).toBe(0);
    expect(await query(`${project.root}/temp.db`, 'select version_num from alembic_version')).toEqual([{ version_num: '0001' }]);

    addLine(project.root, project.models, project.after, '    title = Column(String(80), nullable=True)');
    const cycle = await run('cycle', '--json', '--base', 'vcs', '-m', 'notes: add title');
    expect(cycle.exitCode, cycle.stdout + cycle.stderr).toBe(0);
    const { revision } = JSON.parse(cycle.stdout);
    expect(await query(project.devDb, 'select version_num from alembic_version')).toEqual([{ version_num: revision }]);
    // The INI's absolute script_location would stamp the base at the new draft; the export's own migrations are used.
    const verify = await run('verify', '--json', '--base', 'vcs');
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout).checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed', 'passed']);
  });

  it('--setup models with --setup-command is refused: one builds the database instead of the other', async () => {
    const project = await alembicLayout('orm-setup');
    const init = await devdb(['init', '--yes', '--setup', 'models', '--setup-command', '["python","-m","tools.make_db"]'], { cwd: project.root });
    expect(init.exitCode).toBe(2);
    expect(init.stderr).toContain('"setup"');
  });
});
