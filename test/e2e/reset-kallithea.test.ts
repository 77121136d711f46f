import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, query, sha256, type Testbed } from '../support/devdb.js';

describe('devdb reset on the Kallithea testbed', () => {
  let tb: Testbed & { env: Record<string, string> };
  let devHash: string;
  const run = (args: string[], env: Record<string, string | undefined> = {}) => devdb(args, { cwd: tb.root, env: { ...tb.env, ...env } });
  const temp = () => path.join(tb.root, 'temp.db');

  beforeAll(async () => {
    tb = await kallitheaTestbed();
    devHash = sha256(tb.devDb);
  });

  it('a dry run prints the exact commands with the password hidden, and changes nothing', async () => {
    const result = await run(['reset', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('$ kallithea-cli config-create temp.ini');
    expect(result.stdout).toContain(`$ kallithea-cli db-create -c temp.ini --user admin --password *** --email admin@example.com --repos ${tb.repos.includes(' ') ? `'${tb.repos.replace(/'/g, `'\\''`)}'` : tb.repos} --force-yes --no-public-access`);
    expect(result.stdout).toContain('$ kallithea-cli repo-scan -c temp.ini');
    expect(result.stdout + result.stderr).not.toContain(tb.adminPassword);
    expect(fs.existsSync(path.join(tb.root, 'temp.ini'))).toBe(false);
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('a fresh reset builds temp.db with the admin user, the scanned repositories and the Alembic head', async () => {
    const result = await run(['reset']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(tb.adminPassword);
    expect(await query(temp(), "select username, admin from users where username = 'admin'")).toEqual([{ username: 'admin', admin: 1 }]);
    const repos = await query<{ repo_name: string }>(temp(), 'select repo_name from repositories order by repo_name');
    expect(repos.map((r) => r.repo_name)).toEqual([...tb.sampleRepos].sort());
    expect(await query(temp(), 'select version_num from alembic_version')).toEqual([{ version_num: tb.head }]);
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('the throwaway INI differs from what config-create wrote only in its database line', async () => {
    const ini = fs.readFileSync(path.join(tb.root, 'temp.ini'), 'utf8');
    const urls = ini.split('\n').filter((l) => l.startsWith('sqlalchemy.url'));
    expect(urls).toEqual(['sqlalchemy.url = sqlite:///%(here)s/temp.db']);
  });

  it('a repeated reset rebuilds it, and --json describes every step', async () => {
    const result = await run(['reset', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'make-config:skipped', 'point-db:passed', 'drop-db:passed', 'setup-db:passed', 'repo-scan:passed',
    ]);
    expect(result.stdout).not.toContain(tb.adminPassword);
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it("--verbose streams the tools' own output", async () => {
    const result = await run(['reset', '--verbose']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Database set up successfully.');
    expect(result.stdout).toContain('Scan completed.');
    expect(result.stdout).not.toContain(tb.adminPassword);
  });

  it('after a model change the new column is in the rebuilt throwaway database', async () => {
    const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
    const original = fs.readFileSync(dbPy, 'utf8');
    editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    reset_probe = Column(Unicode(40), nullable=True)');
    try {
      const result = await run(['reset']);
      expect(result.exitCode, result.stderr).toBe(0);
      const columns = await query<{ name: string }>(temp(), "select name from pragma_table_info('repositories')");
      expect(columns.map((c) => c.name)).toContain('reset_probe');
    } finally {
      fs.writeFileSync(dbPy, original);
    }
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('--sql-log on and off switch the logger in the throwaway INI only', async () => {
    const on = await run(['reset', '--sql-log', 'on']);
    expect(on.exitCode, on.stderr).toBe(0);
    const ini = () => fs.readFileSync(path.join(tb.root, 'temp.ini'), 'utf8');
    expect(ini()).toMatch(/\[logger_sqlalchemy\]\nlevel = INFO\nhandlers = console_color_sql\n/);
    const off = await run(['reset', '--sql-log', 'off']);
    expect(off.exitCode, off.stderr).toBe(0);
    expect(ini()).toMatch(/\[logger_sqlalchemy\]\nlevel = WARN\nhandlers =\n/);
  });

  it('a setup-db that fails exits 1 with the tool’s last lines and a diagnosis', async () => {
    const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
    const original = fs.readFileSync(dbPy, 'utf8');
    fs.writeFileSync(dbPy, original.replace("    __tablename__ = 'repositories'", "    __tablename__ = 'repositories'\n    broken = Column(NoSuchType(), nullable=True)"));
    try {
      const result = await run(['reset']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("setup-db failed: NameError: name 'NoSuchType' is not defined; fix the cause in its output and run again.");
      expect(result.stderr).toContain('│');
      expect(result.stderr).not.toContain(tb.adminPassword);
    } finally {
      fs.writeFileSync(dbPy, original);
    }
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('refusals: no password, a missing repos folder, a missing tool — exit 2, one sentence, nothing touched', async () => {
    const nopw = await run(['reset'], { DEVDB_ADMIN_PASSWORD: '' });
    expect(nopw.exitCode).toBe(2);
    expect(nopw.stderr).toContain('No admin password for setup-db: set DEVDB_ADMIN_PASSWORD');

    const config = JSON.parse(fs.readFileSync(path.join(tb.root, 'devdb.json'), 'utf8'));
    fs.writeFileSync(path.join(tb.root, 'norepos.json'), JSON.stringify({ ...config, repos: 'no/such/repos' }));
    const norepos = await run(['reset', '--config', 'norepos.json']);
    expect(norepos.exitCode).toBe(2);
    expect(norepos.stderr).toMatch(/The repositories folder .*no\/such\/repos does not exist; create it \(mkdir -p\) or set "repos" in devdb\.json\./);

    fs.writeFileSync(path.join(tb.root, 'notool.json'), JSON.stringify({ ...config, preset: 'alembic', setupCommand: ['kallithea-setup-that-does-not-exist', '{config}'] }));
    const gearbox = await run(['reset', '--config', 'notool.json']);
    expect(gearbox.exitCode).toBe(2);
    expect(gearbox.stderr).toContain('The alembic preset needs kallithea-setup-that-does-not-exist, which is not in');

    for (const r of [nopw, norepos, gearbox]) {
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain(tb.adminPassword);
    }
    expect(sha256(tb.devDb)).toBe(devHash);
  });

  it('refuses a throwaway INI aimed at the development database through %(here)s', async () => {
    const config = JSON.parse(fs.readFileSync(path.join(tb.root, 'devdb.json'), 'utf8'));
    fs.writeFileSync(path.join(tb.root, 'aimed.json'), JSON.stringify({ ...config, throwawayDb: 'kallithea.db' }));
    const result = await run(['reset', '--config', 'aimed.json', '--force']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is the development database of development.ini');
    expect(sha256(tb.devDb)).toBe(devHash);
  });
});
