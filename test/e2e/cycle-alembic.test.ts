import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alembicProject, devdb, query, sha256 } from '../support/devdb.js';

async function sandbox() {
  const project = await alembicProject();
  const run = (...args: string[]) => devdb(args, { cwd: project.root });
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
  const models = path.join(project.root, 'app', 'models.py');
  const addColumn = (line: string) => fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', `    body = Column(String(200))\n${line}\n`));
  return { project, run, addColumn };
}

describe('devdb cycle on a plain Alembic project', () => {
  it('adding a nullable column passes the round trip against a database built from target_metadata, and is applied', async () => {
    const { project, run, addColumn } = await sandbox();
    addColumn('    title = Column(String(80), nullable=True)');
    const result = await run('cycle', '--json', '-m', 'notes: add title');
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed', 'passed']);
    // One plain row, and the three boundary rows of the table the migration touches.
    expect(report.rows.before).toMatchObject({ users: 1, notes: 4 });
    expect(await query(project.devDb, 'select version_num from alembic_version')).toEqual([{ version_num: report.revision }]);
  });

  it('no model change leaves no script and exits 0', async () => {
    const { project, run } = await sandbox();
    const devHash = sha256(project.devDb);
    const result = await run('cycle', '-m', 'nothing');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fs.readdirSync(path.join(project.root, 'migrations', 'versions')).filter((f) => f.endsWith('.py'))).toEqual(['0001_initial_tables.py']);
    expect(sha256(project.devDb)).toBe(devHash);
  });

  it('a downgrade that keeps the added column on purpose is allowed, and the upgrade that cannot run again after it is caught', async () => {
    const { project, run, addColumn } = await sandbox();
    addColumn('    title = Column(String(80), nullable=True)');
    const generated = await run('cycle', '--json', '--no-apply', '-m', 'notes: add title');
    expect(generated.exitCode, generated.stdout).toBe(0);
    const file = path.join(project.root, JSON.parse(generated.stdout).migration);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/def downgrade\(\)[^\n]*\n[\s\S]*$/, 'def downgrade() -> None:\n    pass\n'));
    const devHash = sha256(project.devDb);
    const result = await run('verify', '--json');
    expect(result.exitCode, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual(['upgrade:passed', 'downgrade:allowed']);
    expect(report.error.message).toBe(
      'The upgrade cannot run again after the downgrade kept notes.title (sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) duplicate column name: title); drop the column in the downgrade, or make the upgrade skip columns that already exist.',
    );
    expect(report.diffs[0].allowed.map((c: { kind: string; table: string; object: string }) => `${c.kind} ${c.table}.${c.object}`)).toEqual(['column-added notes.title']);
    expect(report.lint.map((f: { rule: string }) => f.rule)).toContain('noop-downgrade-keeps-columns');
    expect(sha256(project.devDb)).toBe(devHash);

    const guarded = fs.readFileSync(file, 'utf8').replace(
      /def upgrade\(\)[^\n]*\n/,
      (line) => `${line}    if 'title' in [c['name'] for c in sa.inspect(op.get_bind()).get_columns('notes')]:\n        return\n`,
    );
    fs.writeFileSync(file, guarded);
    const passing = await run('verify', '--json');
    expect(passing.exitCode, passing.stdout).toBe(0);
    expect(JSON.parse(passing.stdout).checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'allowed', 'passed']);
  });

  it('--edit opens $EDITOR on the draft before proving it, and what the editor changed is what gets proven', async () => {
    const { addColumn, project } = await sandbox();
    addColumn('    title = Column(String(80), nullable=True)');
    // A non-interactive "editor": sed rewrites the draft's drop_column into a no-op, as a developer might.
    const edit = await devdb(['cycle', '--json', '--edit', '--no-apply', '-m', 'notes: add title'], {
      cwd: project.root,
      env: { EDITOR: 'sed -i s/op.drop_column(.notes.,.*)/pass/', VISUAL: '' },
    });
    const report = JSON.parse(edit.stdout);
    expect(report.lint.map((f: { rule: string }) => f.rule)).toContain('noop-downgrade-keeps-columns');
    const noEditor = await devdb(['cycle', '--edit', '-m', 'notes: add title'], { cwd: project.root, env: { EDITOR: '', VISUAL: '' } });
    expect(noEditor.exitCode).toBe(2);
    expect(noEditor.stderr).toContain('--edit needs an editor: set VISUAL or EDITOR');
  });

  it('a cycle refused for a usage error prints one sentence and exits 2', async () => {
    const { run } = await sandbox();
    const missing = await run('cycle');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("required option '-m, --message <message>' not specified");
    const base = await run('cycle', '-m', 'x', '--base', 'svn');
    expect(base.exitCode).toBe(2);
    expect(base.stderr).toContain("Allowed choices are dev, vcs");
  });
});
