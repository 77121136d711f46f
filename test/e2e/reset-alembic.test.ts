import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, sha256, type AlembicProject } from '../support/devdb.js';

const tables = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('devdb reset on a plain Alembic project', () => {
  let project: AlembicProject;
  let devHash: string;
  const run = (...args: string[]) => devdb(args, { cwd: project.root });

  beforeAll(async () => {
    project = await alembicProject();
    devHash = sha256(project.devDb);
    const init = await run('init', '--yes', '--python', project.python);
    expect(init.stderr).toBe('');
    expect(init.exitCode).toBe(0);
  });

  it('a dry run prints the plan and creates nothing', async () => {
    const result = await run('reset', '--dry-run');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('copy alembic.ini to temp.ini');
    expect(result.stdout).toContain('$ alembic -c temp.ini upgrade head');
    expect(fs.existsSync(path.join(project.root, 'temp.ini'))).toBe(false);
    expect(fs.existsSync(path.join(project.root, 'temp.db'))).toBe(false);
  });

  it('a first reset builds the throwaway database at head, leaving the development database alone', async () => {
    const result = await run('reset');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('devdb reset: throwaway database temp.db rebuilt');
    expect(tables(path.join(project.root, 'temp.db'))).toEqual(['alembic_version', 'notes', 'users']);
    const ini = fs.readFileSync(path.join(project.root, 'temp.ini'), 'utf8');
    const original = fs.readFileSync(project.devIni, 'utf8');
    expect(ini).toBe(original.replace('sqlite:///%(here)s/dev.db', 'sqlite:///%(here)s/temp.db'));
    expect(sha256(project.devDb)).toBe(devHash);
  });

  it('a repeated reset replaces the database it made, and --json reports each step', async () => {
    const before = fs.statSync(path.join(project.root, 'temp.db')).birthtimeMs;
    const result = await run('reset', '--json');
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, database: 'temp.db', config: 'temp.ini' });
    expect(report.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'make-config:skipped',
      'point-db:passed',
      'drop-db:passed',
      'setup-db:passed',
    ]);
    expect(report.steps.every((s: { ms: number }) => typeof s.ms === 'number')).toBe(true);
    expect(fs.statSync(path.join(project.root, 'temp.db')).birthtimeMs).not.toBe(before);
    expect(sha256(project.devDb)).toBe(devHash);
  });

  it('refuses to delete a throwaway database it did not create, unless --force', async () => {
    const temp = path.join(project.root, 'temp.db');
    fs.rmSync(temp);
    fs.writeFileSync(temp, 'precious');
    const refused = await run('reset');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('temp.db exists but devdb did not create it; move it away, or run again with --force');
    expect(fs.readFileSync(temp, 'utf8')).toBe('precious');
    const forced = await run('reset', '--force');
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(tables(temp)).toContain('users');
  });

  it('refuses a throwaway database that is the development database, even through a symlink', async () => {
    for (const throwawayDb of ['dev.db', 'link.db']) {
      fs.rmSync(path.join(project.root, 'link.db'), { force: true });
      fs.symlinkSync(project.devDb, path.join(project.root, 'link.db'));
      const config = JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.json'), 'utf8'));
      fs.writeFileSync(path.join(project.root, 'alt.json'), JSON.stringify({ ...config, throwawayDb }));
      const result = await run('reset', '--config', 'alt.json', '--force');
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/is the development database of alembic\.ini; set "throwawayDb" in devdb\.json to another database/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(sha256(project.devDb)).toBe(devHash);
  });

  it('says which line of a malformed throwaway INI is wrong', async () => {
    const temp = path.join(project.root, 'temp.ini');
    const good = fs.readFileSync(temp, 'utf8');
    fs.writeFileSync(temp, `${good}\n[broken\n`);
    const result = await run('reset');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/The throwaway INI .*temp\.ini is malformed at line \d+ \(neither a \[section\], a key = value, nor a comment\)/);
    fs.writeFileSync(temp, good);
  });

  it('a failing setup command exits 1 with its last lines and a diagnosis', async () => {
    const versions = path.join(project.root, 'migrations', 'versions');
    fs.writeFileSync(path.join(versions, '0002_broken.py'), 'revision = "0002"\ndown_revision = "0001"\n\ndef upgrade():\n    raise RuntimeError("boom in 0002")\n\ndef downgrade():\n    pass\n');
    try {
      const result = await run('reset');
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('setup-db failed: RuntimeError: boom in 0002; fix the cause in its output and run again.');
      expect(result.stderr).toContain('│');
      expect(sha256(project.devDb)).toBe(devHash);
    } finally {
      fs.rmSync(path.join(versions, '0002_broken.py'));
    }
  });

  it("runs the project's own setup command when one is named", async () => {
    const config = JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.json'), 'utf8'));
    const script = 'import sys\nfrom sqlalchemy import create_engine\nfrom app.models import Base\nBase.metadata.create_all(create_engine(sys.argv[1]))\n';
    fs.writeFileSync(path.join(project.root, 'create_all.py'), script);
    fs.writeFileSync(path.join(project.root, 'setup.json'), JSON.stringify({ ...config, setupCommand: ['python', 'create_all.py', '{url}'] }));
    const result = await run('reset', '--config', 'setup.json');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(tables(path.join(project.root, 'temp.db'))).toEqual(['notes', 'users']);
  });

  it('errors without a config, with a missing Python, and with unknown flags use exit 2 and one sentence', async () => {
    const elsewhere = path.dirname(project.root);
    const none = await devdb(['reset'], { cwd: elsewhere });
    expect(none.exitCode).toBe(2);
    expect(none.stderr.trim()).toMatch(/^devdb: No devdb\.json in .* or any folder above it; run "devdb init" in the project root first\.$/);
    const config = JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.json'), 'utf8'));
    fs.writeFileSync(path.join(project.root, 'nopy.json'), JSON.stringify({ ...config, python: 'missing/bin/python' }));
    const nopy = await run('reset', '--config', 'nopy.json');
    expect(nopy.exitCode).toBe(2);
    expect(nopy.stderr).toContain('The Python missing/bin/python set in devdb.json does not exist or is not executable');
    const flag = await run('reset', '--frobnicate');
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain("unknown option '--frobnicate'");
  });
});
