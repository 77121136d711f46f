// The testbed contract (scripts/testbed.mjs, docs/testbed.md): a real Kallithea
// 0.7.0 development setup that every other end-to-end test runs against.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Testbed } from '../../scripts/testbed/lib.mjs';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = path.join(REPO, 'scripts', 'testbed.mjs');
// A cold cache downloads and builds every wheel (about a minute here); warm, a testbed takes seconds.
const BUILD_TIMEOUT = 600_000;


interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function buildTestbed(dir: string, flags: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  const r = await execa('node', [SCRIPT, ...flags, dir], { cwd: REPO, env, reject: false, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function explain(run: Run, dir: string): string {
  const log = path.join(dir, 'testbed.log');
  const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : '(no log)';
  return `exit ${run.exitCode}\n${run.stdout}\n${run.stderr}\n--- ${log} (tail)\n${tail}`;
}

const readTestbed = (dir: string): Testbed => JSON.parse(fs.readFileSync(path.join(dir, 'testbed.json'), 'utf8')) as Testbed;

/** Runs a testbed tool (kallithea-cli, alembic, git, python) and returns stdout; throws with stderr on failure. */
async function tool(file: string, args: string[], cwd: string): Promise<string> {
  const r = await execa(file, args, { cwd, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')} failed (exit ${r.exitCode}):\n${r.stderr}`);
  return String(r.stdout);
}

const revisions = (stdout: string): string[] =>
  stdout
    .split('\n')
    .map((line) => /^([0-9a-f]{12})\b/.exec(line.trim())?.[1])
    .filter((rev): rev is string => !!rev);

const alembic = (tb: Testbed, ...args: string[]) => tool(tb.alembic, ['-c', 'development.ini', ...args], tb.root);

/** One SQL query on the development database, through the testbed's own Python. */
async function sql(tb: Testbed, query: string): Promise<unknown[][]> {
  const code = 'import json, sqlite3, sys; print(json.dumps(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()))';
  return JSON.parse(await tool(tb.python, ['-c', code, tb.devDb, query], tb.root)) as unknown[][];
}

describe('testbed: npm run testbed -- <dir>', () => {
  // A space, a quote and a non-ASCII letter, as users' paths have.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "devdb testbed 'ü-"));
  const dirA = path.join(tmp, 'a');
  const dirB = path.join(tmp, 'b');
  let tb: Testbed;
  let runA: Run;

  beforeAll(async () => {
    // Two at once: they share the cache (and its lock) like parallel test files do.
    const [a, b] = await Promise.all([buildTestbed(dirA), buildTestbed(dirB)]);
    runA = a;
    expect(a.exitCode, explain(a, dirA)).toBe(0);
    expect(b.exitCode, explain(b, dirB)).toBe(0);
    tb = readTestbed(dirA);
  }, BUILD_TIMEOUT);

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints progress lines and ends with the directory', () => {
    const lines = runA.stdout.trim().split('\n');
    expect(lines.every((line) => line.startsWith('testbed: '))).toBe(true);
    expect(lines.at(-1)).toMatch(new RegExp(`^testbed: ready at ${dirA.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+\\.\\d s\\)$`));
  });

  it('writes testbed.json with the contract fields', () => {
    expect(tb).toMatchObject({
      schema: 1,
      dir: dirA,
      root: path.join(dirA, 'kallithea'),
      devIni: path.join(dirA, 'kallithea', 'development.ini'),
      devDb: path.join(dirA, 'kallithea', 'kallithea.db'),
      venv: path.join(dirA, 'venv'),
      bin: path.join(dirA, 'venv', 'bin'),
      python: path.join(dirA, 'venv', 'bin', 'python'),
      kallitheaCli: path.join(dirA, 'venv', 'bin', 'kallithea-cli'),
      alembic: path.join(dirA, 'venv', 'bin', 'alembic'),
      repos: path.join(dirA, 'repos'),
      adminUser: 'admin',
      adminEmail: 'admin@example.com',
      kallitheaVersion: '0.7.0',
      mercurialVersion: '5.8.1',
    });
    expect(tb.adminPassword.length).toBeGreaterThanOrEqual(6);
    expect(tb.alembicVersion).toMatch(/^1\.4\./);
    expect(tb.sqlalchemyVersion).toMatch(/^1\.3\./);
    expect(tb.pythonVersion).toMatch(/^3\.11\./);
    expect(tb.head).toMatch(/^[0-9a-f]{12}$/);
    expect(tb.sqlalchemyUrl).toBe(`sqlite:///${tb.devDb}?timeout=60`);
    for (const p of [tb.root, tb.devIni, tb.devDb, tb.python, tb.kallitheaCli, tb.alembic, tb.repos, tb.cache.sdist, tb.cache.depsSitePackages]) {
      expect(path.isAbsolute(p), p).toBe(true);
      expect(fs.existsSync(p), p).toBe(true);
    }
    for (const f of ['kallithea/model/db.py', 'kallithea/alembic/versions', 'setup.py']) {
      expect(fs.existsSync(path.join(tb.root, f)), f).toBe(true);
    }
  });

  it('runs the real kallithea-cli from the venv, importing the source tree', async () => {
    expect(fs.readFileSync(tb.kallitheaCli, 'utf8')).toContain('from kallithea.bin.kallithea_cli import cli');
    const help = await tool(tb.kallitheaCli, ['--help'], tb.root);
    for (const command of ['config-create', 'db-create', 'repo-scan']) expect(help).toContain(command);
    const where = await tool(tb.python, ['-c', 'import kallithea, sqlalchemy; print(kallithea.__file__); print(kallithea.__version__)'], tb.dir);
    expect(where.trim().split('\n')).toEqual([path.join(tb.root, 'kallithea', '__init__.py'), '0.7.0']);
    // The drivers for devdb's PostgreSQL and MariaDB work.
    await tool(tb.python, ['-c', 'import psycopg2, pymysql'], tb.dir);
  });

  it('created the development database at the Alembic head, with the admin and the sample repos', async () => {
    const [heads, current] = await Promise.all([alembic(tb, 'heads'), alembic(tb, 'current')]);
    expect(revisions(heads)).toEqual([tb.head]);
    expect(revisions(current)).toEqual([tb.head]);
    expect(await sql(tb, "select username, email, admin from users where username = 'admin'")).toEqual([['admin', 'admin@example.com', 1]]);
    const repos = (await sql(tb, 'select repo_name, repo_type from repositories order by repo_name')) as [string, string][];
    expect(repos).toEqual([['devdb-sample-hg', 'hg'], ['devdb-sample.git', 'git']]);
  });

  it('keeps the source tree in git: one commit, clean status after db-create', async () => {
    expect((await tool('git', ['rev-list', '--count', 'HEAD'], tb.root)).trim()).toBe('1');
    expect((await tool('git', ['rev-parse', 'HEAD'], tb.root)).trim()).toBe(tb.baseCommit);
    expect(await tool('git', ['status', '--porcelain'], tb.root)).toBe('');
    expect((await tool('git', ['config', '--local', 'user.name'], tb.root)).trim()).toBe('devdb testbed');
    expect(await tool('git', ['ls-files', '.gitignore', 'kallithea/model/db.py'], tb.root)).toBe('.gitignore\nkallithea/model/db.py');
  });

  it('builds a second testbed at the same time, sharing the cache', async () => {
    const b = readTestbed(dirB);
    expect(b.root).toBe(path.join(dirB, 'kallithea'));
    expect(b.cache.depsKey).toBe(tb.cache.depsKey);
    expect(b.head).toBe(tb.head);
    expect(revisions(await alembic(b, 'current'))).toEqual([b.head]);
  });

  it('is a clone of the cache\'s template that names only its own directory, in files and in the database', async () => {
    expect(runA.stdout).toMatch(/^testbed: clone: copied the template testbed [0-9a-f]{16} and moved its paths/m);
    const template = /template testbed ([0-9a-f]{16})/.exec(runA.stdout)![1]!;
    const naming = (await execa('grep', ['-rlF', `templates/${template}`, dirA, '--exclude=testbed.log'], { reject: false })).stdout;
    expect(naming).toBe('');
    expect(await sql(tb, "SELECT ui_value FROM ui WHERE ui_section = 'paths'")).toEqual([[tb.repos]]);
    expect(fs.readFileSync(path.join(tb.bin, 'alembic'), 'utf8').split('\n')[1]).toBe(`'''exec' "${tb.python}" "$0" "$@"`);
  });

  it('does nothing when run again on a complete testbed', async () => {
    const jsonBefore = fs.readFileSync(path.join(dirA, 'testbed.json'), 'utf8');
    const dbBefore = fs.statSync(tb.devDb).mtimeMs;
    const again = await buildTestbed(dirA);
    expect(again.exitCode, explain(again, dirA)).toBe(0);
    expect(again.stdout).toContain('testbed: already complete');
    expect(fs.readFileSync(path.join(dirA, 'testbed.json'), 'utf8')).toBe(jsonBefore);
    expect(fs.statSync(tb.devDb).mtimeMs).toBe(dbBefore);
    expect(await tool('git', ['status', '--porcelain'], tb.root)).toBe('');

    const json = await buildTestbed(dirA, ['--json']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(jsonBefore));
  }, BUILD_TIMEOUT);

  it('finishes a half-made testbed, keeping its source tree', async () => {
    const b = readTestbed(dirB);
    fs.rmSync(path.join(dirB, 'testbed.json'));
    fs.rmSync(b.venv, { recursive: true });
    fs.rmSync(b.devDb);
    const again = await buildTestbed(dirB);
    expect(again.exitCode, explain(again, dirB)).toBe(0);
    const fixed = readTestbed(dirB);
    expect(fixed.baseCommit).toBe(b.baseCommit);
    expect(revisions(await alembic(fixed, 'current'))).toEqual([fixed.head]);
    expect(await tool('git', ['status', '--porcelain'], fixed.root)).toBe('');
  }, BUILD_TIMEOUT);

  it('builds a further testbed from the warm cache, downloading and building nothing again', async () => {
    const dirC = path.join(tmp, 'c');
    const c = await buildTestbed(dirC);
    expect(c.exitCode, explain(c, dirC)).toBe(0);
    expect(c.stdout).toContain('reused');
  }, BUILD_TIMEOUT);

  it('sees an edit to db.py in alembic autogenerate, upgrade and downgrade', async () => {
    const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
    const source = fs.readFileSync(dbPy, 'utf8');
    const anchor = '    username = Column(String(255), nullable=False, unique=True)\n';
    expect(source).toContain(anchor);
    fs.writeFileSync(dbPy, source.replace(anchor, `${anchor}    testbed_probe = Column(String(255), nullable=True)\n`));
    try {
      const gen = await execa(tb.alembic, ['-c', 'development.ini', 'revision', '--autogenerate', '-m', 'testbed probe'], { cwd: tb.root, all: true, stdin: 'ignore' });
      expect(gen.all).toContain("Detected added column 'users.testbed_probe'");
      const script = /Generating (.+\.py) \.\.\./.exec(String(gen.all))?.[1];
      expect(script && fs.existsSync(script), String(gen.all)).toBe(true);
      const rev = /^revision = '([0-9a-f]+)'$/m.exec(fs.readFileSync(script!, 'utf8'))?.[1];
      expect(rev).toMatch(/^[0-9a-f]{12}$/);

      const columns = async () => ((await sql(tb, "select name from pragma_table_info('users')")) as [string][]).map(([n]) => n);
      await alembic(tb, 'upgrade', 'head');
      expect(revisions(await alembic(tb, 'current'))).toEqual([rev]);
      expect(await columns()).toContain('testbed_probe');
      await alembic(tb, 'downgrade', '-1');
      expect(revisions(await alembic(tb, 'current'))).toEqual([tb.head]);
      expect(await columns()).not.toContain('testbed_probe');
      fs.rmSync(script!);
    } finally {
      fs.writeFileSync(dbPy, source);
    }
    expect(await tool('git', ['status', '--porcelain'], tb.root)).toBe('');
  }, 120_000);

  it('fails with one clear sentence', async () => {
    const bad = await buildTestbed(path.join(tmp, 'bad'), [], { DEVDB_TESTBED_PYTHON: path.join(tmp, 'no-such-python') });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^testbed: error: [^\n]+\.$/);
    const usage = await buildTestbed('', ['--no-such-flag']);
    expect(usage.exitCode).toBe(2);
  });
});
