import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, query, sha256 } from '../support/devdb.js';

const REPO_NAME = '    repo_name = Column(Unicode(255), nullable=False, unique=True)';
const NOTE = '    note = Column(Unicode(255), nullable=True)';

async function sandbox() {
  const tb = await kallitheaTestbed();
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  const alembic = (...args: string[]) => execa(tb.alembic, ['-c', 'development.ini', ...args], { cwd: tb.root });
  return { tb, run, alembic };
}

/** Generates a draft for an added column without applying it; returns its path. */
async function draft(run: (...args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>, root: string): Promise<string> {
  editModels(root, REPO_NAME, NOTE);
  const result = await run('cycle', '--json', '--no-apply', '-m', 'repositories: add note');
  expect(result.exitCode, result.stderr).toBe(0);
  return path.join(root, JSON.parse(result.stdout).migration);
}

describe('devdb cycle and verify catch what is wrong, and lose nothing', () => {
  it('a stale development database stops the cycle with the documented explanation; --upgrade-first fixes it after a snapshot', async () => {
    const { tb, run, alembic } = await sandbox();
    await alembic('downgrade', '-1');
    const stale = sha256(tb.devDb);
    const staleRevision = (await query<{ version_num: string }>(tb.devDb, 'select version_num from alembic_version'))[0]?.version_num;
    editModels(tb.root, REPO_NAME, NOTE);
    const refused = await run('cycle', '-m', 'repositories: add note');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/The development database is at \w+ but the newest migration is \w+ \(Alembic would say "Target database is not up to date"\); run again with --upgrade-first/);
    expect(sha256(tb.devDb)).toBe(stale);
    const fixed = await run('cycle', '--json', '--upgrade-first', '-m', 'repositories: add note');
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    const snapshots = JSON.parse((await run('snapshot', 'list', '--json')).stdout).snapshots;
    expect(snapshots[0].reason).toMatch(/^before --upgrade-first/);
    expect(snapshots[0].revisions).toEqual([staleRevision]);
    expect(await query(snapshots[0].file, 'select version_num from alembic_version')).toEqual([{ version_num: staleRevision }]);
  });

  it('a stale development database is left alone with --base vcs, which builds the base from the committed code', async () => {
    const { tb, run, alembic } = await sandbox();
    await alembic('downgrade', '-1');
    const stale = sha256(tb.devDb);
    editModels(tb.root, REPO_NAME, NOTE);
    const result = await run('cycle', '--json', '--base', 'vcs', '--no-apply', '-m', 'repositories: add note');
    expect(result.exitCode, result.stdout).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, base: 'vcs' });
    expect(sha256(tb.devDb)).toBe(stale);
  });

  it('--base vcs works with no development database at all', async () => {
    const { tb, run } = await sandbox();
    fs.rmSync(tb.devDb);
    editModels(tb.root, REPO_NAME, NOTE);
    const withoutBase = await run('cycle', '-m', 'repositories: add note');
    expect(withoutBase.exitCode).toBe(2);
    expect(withoutBase.stderr).toContain('does not exist; create it at the newest migration, or run again with --base vcs');
    const result = await run('cycle', '--json', '--base', 'vcs', '--no-apply', '-m', 'repositories: add note');
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fs.existsSync(tb.devDb)).toBe(false);
  });

  it('a draft edited by hand so its downgrade no longer restores the schema fails verify, naming the difference', async () => {
    const { tb, run } = await sandbox();
    const file = await draft(run, tb.root);
    const devHash = sha256(tb.devDb);
    const source = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, source.replace(/(def downgrade\(\):\n)/, "$1    op.create_index('devdb_stray_idx', 'repositories', ['repo_type'])\n"));
    const result = await run('verify', '--json');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual(['upgrade:passed', 'downgrade:failed']);
    expect(report.diffs[0].changes.map((c: { kind: string; object: string }) => `${c.kind} ${c.object}`)).toEqual(['index-added devdb_stray_idx']);
    const human = await run('verify');
    expect(human.stdout + human.stderr).toContain('devdb_stray_idx');
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('a migration that raises half-way through its upgrade fails with the error, and the development database is unchanged', async () => {
    const { tb, run } = await sandbox();
    const file = await draft(run, tb.root);
    const devHash = sha256(tb.devDb);
    const source = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, source.replace(/(def upgrade\(\):\n(?:.*\n)*?.*batch_op\.add_column.*\n)/, "$1    raise RuntimeError('half-way through')\n"));
    const result = await run('verify');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('the upgrade failed: RuntimeError: half-way through');
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('a lint error stops the cycle before the round trip, and the development database is unchanged', async () => {
    const { tb, run } = await sandbox();
    const file = await draft(run, tb.root);
    const devHash = sha256(tb.devDb);
    const source = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, source.replace(/def downgrade\(\):\n[\s\S]*$/, 'def downgrade():\n    pass\n').replace("sa.Unicode(length=255), nullable=True)", 'sa.Unicode(length=255), nullable=False)'));
    const result = await run('verify', '--json');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.lint.map((f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`)).toContain('not-null-without-default:error');
    expect(report.checks).toEqual([]);
    expect(sha256(tb.devDb)).toBe(devHash);
    const rows = await query(tb.devDb, 'select count(*) as n from repositories');
    expect(rows).toEqual([{ n: tb.sampleRepos.length }]);
  });
});
