import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addLine, alembicProject, devdb, query } from '../support/devdb.js';

// A NOT NULL column without a default fails the upgrade where the table has rows. Lint's
// suggestion names two fixes; each, followed as written (VALUE filled in), passes
// devdb apply: verify's round trip, then the development database upgraded.

interface Finding {
  rule: string;
  suggestion: string;
}

async function failingDraft() {
  const project = await alembicProject();
  const run = (...args: string[]) => devdb(args, { cwd: project.root });
  expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
  addLine(project.root, 'app/models.py', '    body = Column(String(200))\n', '    score = Column(Integer, nullable=False)');
  const cycle = await run('cycle', '--json', '-m', 'notes: add score');
  expect(cycle.exitCode, cycle.stdout).toBe(1);
  const report = JSON.parse(cycle.stdout);
  expect(report.error.message).toContain('Cannot add a NOT NULL column with default value NULL');
  const finding = (report.lint as Finding[]).find((f) => f.rule === 'not-null-without-default');
  expect(finding?.suggestion).toBeDefined();
  return { project, run, file: path.join(project.root, report.migration), revision: report.revision as string, suggestion: finding!.suggestion };
}

const expectApplied = async (run: (...args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>, devDb: string, revision: string) => {
  const apply = await run('apply', '--json');
  expect(apply.exitCode, apply.stdout + apply.stderr).toBe(0);
  expect(JSON.parse(apply.stdout).checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed', 'passed']);
  expect(await query(devDb, 'select version_num from alembic_version')).toEqual([{ version_num: revision }]);
};

describe("lint's fixes for a NOT NULL column without a default", () => {
  it('the same server_default in the model and in the draft passes', async () => {
    const { project, run, file, revision, suggestion } = await failingDraft();
    expect(suggestion).toContain("Either give score the same server_default in the model and in this add_column (server_default='VALUE' in both;");
    const models = path.join(project.root, 'app', 'models.py');
    fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('score = Column(Integer, nullable=False)', "score = Column(Integer, nullable=False, server_default='0')"));
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("sa.Column('score', sa.Integer(), nullable=False)", "sa.Column('score', sa.Integer(), nullable=False, server_default='0')"));
    await expectApplied(run, project.devDb, revision);
  });

  it('the backfill (add nullable, UPDATE, then alter_column to NOT NULL) passes with the model unchanged', async () => {
    const { project, run, file, revision, suggestion } = await failingDraft();
    const update = /op\.execute\("UPDATE notes SET score = VALUE"\)/.exec(suggestion)?.[0];
    const alter = /with op\.batch_alter_table\('notes'\) as batch_op: batch_op\.alter_column\('score', existing_type=sa\.Integer\(\), nullable=False\)/.exec(suggestion)?.[0];
    expect(update, suggestion).toBeDefined();
    expect(alter, suggestion).toBeDefined();
    expect(suggestion).toMatch(/then run devdb apply\.$/);
    const [withLine, alterLine] = alter!.split(': ');
    const draft = fs.readFileSync(file, 'utf8').replace(
      "    op.add_column('notes', sa.Column('score', sa.Integer(), nullable=False))\n",
      `    op.add_column('notes', sa.Column('score', sa.Integer(), nullable=True))\n    ${update!.replace('VALUE', '0')}\n    ${withLine}:\n        ${alterLine}\n`,
    );
    expect(draft).toContain('nullable=True');
    fs.writeFileSync(file, draft);
    await expectApplied(run, project.devDb, revision);
  });
});
