import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { alembicProject, devdb } from '../support/devdb.js';
import { withMercurial } from '../support/mercurial.js';

const TITLE = '    title = Column(String(80), nullable=True)';

/** A plain Alembic project with devdb initialised; `vcs: 'hg'` turns its copy into a Mercurial repository. */
async function sandbox(vcs: 'git' | 'hg') {
  const project = await alembicProject();
  const { root } = project;
  const env = vcs === 'hg' ? await withMercurial() : {};
  if (vcs === 'hg') {
    fs.rmSync(path.join(root, '.git'), { recursive: true });
    fs.writeFileSync(path.join(root, '.hgignore'), 'syntax: glob\n*.db\n__pycache__/\n.devdb/\n');
    await execa('hg', ['init'], { cwd: root, env });
    await execa('hg', ['add', '-q'], { cwd: root, env });
    await execa('hg', ['commit', '-q', '-u', 'test', '-m', 'initial'], { cwd: root, env });
  }
  const run = (...args: string[]) => devdb(args, { cwd: root, env });
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
  const models = path.join(root, 'app', 'models.py');
  const addColumn = () => fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', `    body = Column(String(200))\n${TITLE}\n`));
  const tool = (...args: string[]) => execa(vcs, args, { cwd: root, reject: false, stdin: 'ignore', env: { NO_COLOR: '1', ...env } });
  const commit = (message: string) =>
    vcs === 'git' ? tool('-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', 'commit', '-q', '-m', message) : tool('commit', '-u', 'test', '-m', message);
  /** Generates the migration for the model change without applying it, and adds it to the commit. */
  const migrate = async () => {
    const cycled = await run('cycle', '--json', '--no-apply', '-m', 'notes: add title');
    expect(cycled.exitCode, cycled.stdout).toBe(0);
    const file = JSON.parse(cycled.stdout).migration as string;
    await tool('add', file);
    return file;
  };
  return { root, run, addColumn, tool, commit, migrate };
}

/** Every file of a folder with its bytes and mode, to prove a restore is exact. */
const snapshotDir = (dir: string) =>
  Object.fromEntries(fs.readdirSync(dir).map((f) => [f, { bytes: fs.readFileSync(path.join(dir, f)).toString('base64'), mode: fs.statSync(path.join(dir, f)).mode }]));

describe('devdb hook and devdb check with git', () => {
  it('a model change without its migration is refused, with it the commit goes through; an existing pre-commit hook keeps running; uninstall restores it byte for byte', async () => {
    const { root, run, addColumn, tool, commit, migrate } = await sandbox('git');
    const hooks = path.join(root, '.git', 'hooks');
    const mine = '#!/bin/sh\necho "my hook ran" >> "$(git rev-parse --git-dir)/my-hook.log"\n';
    fs.writeFileSync(path.join(hooks, 'pre-commit'), mine, { mode: 0o755 });
    const before = snapshotDir(hooks);

    const installed = await run('hook', 'install', '--json');
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(JSON.parse(installed.stdout)).toMatchObject({ ok: true, vcs: 'git', installed: true, chained: path.join(hooks, 'pre-commit.devdb-chained') });
    expect((await run('hook', 'status')).stdout).toContain(`installed in ${path.join(hooks, 'pre-commit')}`);

    addColumn();
    await tool('add', 'app/models.py');
    const refused = await commit('notes: add title');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('devdb cycle -m');
    expect(refused.stderr).toContain('git commit --no-verify');
    expect(fs.readFileSync(path.join(root, '.git', 'my-hook.log'), 'utf8')).toBe('my hook ran\n');

    const migration = await migrate();
    const verified = await run('check', '--verify', '--json');
    expect(verified.exitCode, verified.stdout).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, models: ['app/models.py'], migrations: [migration], verify: { ok: true, command: 'verify' } });
    const accepted = await commit('notes: add title');
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect((await tool('show', '--name-only', '--format=', 'HEAD')).stdout.split('\n').sort()).toEqual(['app/models.py', migration].sort());
    expect(fs.readFileSync(path.join(root, '.git', 'my-hook.log'), 'utf8')).toBe('my hook ran\nmy hook ran\n');

    const uninstalled = await run('hook', 'uninstall');
    expect(uninstalled.exitCode, uninstalled.stderr).toBe(0);
    expect(snapshotDir(hooks)).toEqual(before);
    expect((await run('hook', 'status')).stdout).toContain('is not installed');
  });

  it('a commit touching no model file passes; nothing staged is checked quickly; a new migration that breaks the chain is refused', async () => {
    const { root, run, tool, commit } = await sandbox('git');
    expect((await run('hook', 'install')).exitCode).toBe(0);
    fs.writeFileSync(path.join(root, 'README.md'), 'a readme\n');
    await tool('add', 'README.md');
    const plain = await commit('docs: readme');
    expect(plain.exitCode, plain.stderr).toBe(0);

    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const start = performance.now();
      const idle = await run('check', '--json');
      times.push(performance.now() - start);
      expect(JSON.parse(idle.stdout)).toEqual({ ok: true, command: 'check', vcs: 'git', models: [], migrations: [], findings: [] });
    }
    console.log(`devdb check with nothing staged (git), ms: ${times.map((t) => Math.round(t)).join(', ')}`);

    const orphan = path.join(root, 'migrations', 'versions', '0002_orphan.py');
    fs.writeFileSync(orphan, "revision = '0002'\ndown_revision = 'nope'\n\ndef upgrade():\n    pass\n\ndef downgrade(:\n    pass\n");
    await tool('add', orphan);
    const refused = await run('check', '--json');
    expect(refused.exitCode).toBe(1);
    const report = JSON.parse(refused.stdout);
    expect(report.migrations).toEqual(['migrations/versions/0002_orphan.py']);
    expect(report.findings.map((f: { level: string; message: string }) => `${f.level}: ${f.message.replace(/:.*$/, '')}`)).toEqual([
      'warning: A new migration (migrations/versions/0002_orphan.py) comes without a model change; fine for a data migration, otherwise add the model change too.',
      'error: The new migration migrations/versions/0002_orphan.py does not compile',
      'error: migrations/versions/0002_orphan.py follows revision nope, which no migration has; set its down_revision to the current head.',
    ]);
  });
});

describe('devdb hook and devdb check with Mercurial', () => {
  it('the pretxncommit hook refuses a model change without its migration and accepts it with one; uninstall restores .hg/hgrc byte for byte', async () => {
    const { root, run, addColumn, tool, commit, migrate } = await sandbox('hg');
    const hgrc = path.join(root, '.hg', 'hgrc');
    const original = '[ui]\nusername = someone <someone@example.com>\n# a comment devdb keeps\n';
    fs.writeFileSync(hgrc, original);

    expect((await run('hook', 'install')).exitCode).toBe(0);
    expect(fs.readFileSync(hgrc, 'utf8')).toMatch(/^\[ui\]\nusername = someone <someone@example.com>\n# a comment devdb keeps\n\n\[hooks\]\npretxncommit\.devdb = cd '/);

    addColumn();
    const refused = await commit('notes: add title');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('devdb cycle -m');
    expect(refused.stderr).toContain('hg commit --config hooks.pretxncommit.devdb=');
    expect((await tool('log', '-q')).stdout.trim().split('\n')).toHaveLength(1);

    await migrate();
    const accepted = await commit('notes: add title');
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect((await tool('log', '-q')).stdout.trim().split('\n')).toHaveLength(2);

    const start = performance.now();
    const idle = await run('check', '--json');
    console.log(`devdb check with nothing pending (hg), ms: ${Math.round(performance.now() - start)}`);
    expect(JSON.parse(idle.stdout)).toMatchObject({ ok: true, vcs: 'hg', models: [], migrations: [] });

    expect((await run('hook', 'uninstall')).exitCode).toBe(0);
    expect(fs.readFileSync(hgrc, 'utf8')).toBe(original);
  });
});
