import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, devdb, kallitheaTestbed, sha256, tempDir, type DevdbRun, type Testbed } from '../support/devdb.js';
import { canMount, fullDisk, unmountAll } from '../support/disk.js';

// A corpus of bad inputs. Each gives one clear line on stderr ("devdb: …", then at most a
// tool's last lines, indented), its documented exit code, no stack trace, and changes no
// file it should not.

let tb: Testbed & { env: Record<string, string> };

/**
 * Every file under `dir` with its size and modification time: a write to any of them shows.
 * Not devdb's cache folder: remembering a validated devdb.json there is not a change to the project.
 */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() && full.endsWith(`${path.sep}.devdb${path.sep}cache`)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const stat = fs.statSync(full);
        out[path.relative(dir, full)] = `${stat.size}:${stat.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** The promise every bad input keeps. */
function expectClearRefusal(result: DevdbRun, exitCode: number, message: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(result.exitCode, result.stdout + result.stderr).toBe(exitCode);
  expect(lines[0], result.stderr).toMatch(/^devdb: /);
  expect(lines[0]).toMatch(message);
  // Only a tool's last lines may follow, indented under the sentence (or, for a bad command line, the pointer to --help).
  for (const line of lines.slice(1)) expect(line, result.stderr).toMatch(/^( {2}│|\(see devdb --help\)$)/);
  expect(result.stderr + result.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(result.stderr).not.toMatch(/^(TypeError|ReferenceError|SyntaxError|Error):/m);
}

const MINI_INI = '[app:main]\nsqlalchemy.url = sqlite:///%(here)s/kallithea.db\n';

interface Case {
  name: string;
  /** devdb.json's content: an object (merged over a valid config), raw text or bytes, or null for none. */
  config?: Record<string, unknown> | string | Buffer | null;
  /** Files of the project besides devdb.json (a valid development.ini and temp.ini unless replaced); null removes one. */
  files?: Record<string, string | Buffer | null>;
  args: string[];
  env?: Record<string, string>;
  exit: 1 | 2;
  message: RegExp;
}

/** A small project: devdb.json, a development INI and a throwaway INI, in a folder whose path has a space, a quote and ü. */
function miniProject(c: Pick<Case, 'config' | 'files'>): string {
  const root = tempDir('bad');
  const base = { preset: 'kallithea', python: tb.python, devIni: 'development.ini', repos: tb.repos };
  const all: Record<string, string | Buffer | null> = { 'development.ini': MINI_INI, 'temp.ini': MINI_INI.replace('kallithea.db', 'temp.db'), ...c.files };
  for (const [name, content] of Object.entries(all)) {
    if (content === null) continue;
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  const config = c.config === undefined ? base : c.config;
  if (config !== null) {
    fs.writeFileSync(path.join(root, 'devdb.json'), typeof config === 'string' || Buffer.isBuffer(config) ? config : JSON.stringify({ ...base, ...config }));
  }
  return root;
}

const CASES: Case[] = [
  // devdb.json
  { name: 'no devdb.json here or above', config: null, args: ['reset'], exit: 2, message: /No devdb\.json in .* run "devdb init"/ },
  { name: 'devdb.json half-written', config: '{"preset": "kallithea", "pyth', args: ['reset'], exit: 2, message: /devdb\.json is not valid JSON .*; fix it or recreate it/ },
  { name: 'devdb.json empty', config: '', args: ['reset'], exit: 2, message: /is not valid JSON/ },
  { name: 'devdb.json in Latin-1', config: Buffer.from('{"preset": "kallithea", "python": "caf\xe9"}', 'latin1'), args: ['reset'], exit: 2, message: /is not UTF-8 text; save it as UTF-8/ },
  { name: 'devdb.json in UTF-16', config: Buffer.from('\ufeff{"preset": "kallithea"}', 'utf16le'), args: ['cycle', '-m', 'x'], exit: 2, message: /is not UTF-8 text/ },
  { name: 'devdb.json is null', config: 'null', args: ['reset'], exit: 2, message: /devdb\.json: .*must be a object|devdb\.json: / },
  { name: 'devdb.json is an array', config: '[]', args: ['reset'], exit: 2, message: /devdb\.json: / },
  { name: 'an unknown preset', config: { preset: 'django' }, args: ['reset'], exit: 2, message: /"preset" is "django", which is not allowed; allowed: "kallithea"/ },
  { name: 'a missing key ("python")', config: '{"preset": "kallithea", "devIni": "development.ini"}', args: ['reset'], exit: 2, message: /"python" is missing/ },
  { name: 'a misspelt key', config: { pyhton: 'x' }, args: ['reset'], exit: 2, message: /unknown key "pyhton"/ },
  { name: 'a key of the wrong type', config: { repos: 5 }, args: ['reset'], exit: 2, message: /"repos" is 5, which is not allowed; it must be a string/ },
  { name: 'a seed file that does not exist', config: { seed: 'fixtures/rows.sql' }, args: ['reset'], exit: 2, message: /The seed file fixtures\/rows\.sql named by "seed" in .*devdb\.json does not exist; fix the path/ },
  { name: 'a seed that is neither SQL nor a Python function', config: { seed: 'rows.csv' }, args: ['reset'], exit: 2, message: /"seed" is "rows\.csv", which is not allowed; it must be a \.sql file, or \{"python": "pkg\.module:function"\}/ },
  { name: 'a Python seed without its function', config: { seed: { python: 'app.seed' } }, args: ['reset'], exit: 2, message: /"seed\.python" is "app\.seed", which is not allowed; it must name a function as "pkg\.module:function"/ },
  { name: 'snapshots to keep: 0', config: { snapshots: { keep: 0 } }, args: ['reset'], exit: 2, message: /"snapshots\.keep" is 0, which is not allowed; it must be at least 1/ },
  { name: 'snapshots to keep: not a number', config: { snapshots: { keep: 'all' } }, args: ['snapshot', 'list'], exit: 2, message: /"snapshots\.keep" is "all", which is not allowed; it must be a number/ },
  { name: 'a malformed admin email', config: { admin: { email: 'not-an-email' } }, args: ['reset'], exit: 2, message: /"admin\.email" is "not-an-email"/ },
  { name: 'a throwaway path with a newline', config: { throwawayDb: 'te\nmp.db' }, args: ['reset'], exit: 2, message: /"throwawayDb" is .*must not contain a line break/ },
  { name: 'a throwaway INI path with a NUL', config: { throwawayIni: 'temp\u0000.ini' }, args: ['reset'], exit: 2, message: /"throwawayIni" .*line break or NUL/ },
  { name: '--config names a missing file', args: ['reset', '--config', 'nowhere/devdb.json'], exit: 2, message: /The config .*nowhere\/devdb\.json cannot be read \(ENOENT\)/ },
  { name: '--config names a folder', files: { 'folder/x': 'x' }, args: ['reset', '--config', 'folder'], exit: 2, message: /cannot be read \(EISDIR\)/ },
  // Python
  { name: 'a Python that does not exist', config: { python: '.venv/bin/python' }, args: ['reset'], exit: 2, message: /The Python \.venv\/bin\/python set in devdb\.json does not exist or is not executable/ },
  { name: 'a Python that is not executable', config: { python: 'development.ini' }, args: ['reset'], exit: 2, message: /does not exist or is not executable/ },
  { name: 'a Python without the tools', config: { python: '/usr/bin/python3' }, args: ['reset'], exit: 2, message: /The kallithea preset needs kallithea-cli, which is not in \/usr\/bin nor on PATH/ },
  // The development INI
  { name: 'the development INI is missing', files: { 'development.ini': null }, args: ['reset'], exit: 2, message: /The development INI .*development\.ini does not exist/ },
  { name: 'the development INI is a folder', files: { 'development.ini': null, 'development.ini/x': 'x' }, args: ['reset'], exit: 2, message: /cannot be read \(EISDIR\)/ },
  { name: 'a malformed development INI', files: { 'development.ini': `this is not an INI file\n${MINI_INI}` }, args: ['reset'], exit: 2, message: /development\.ini is malformed at line 1 \(a setting before any \[section\] header\)/ },
  { name: 'a half-written development INI', files: { 'development.ini': `${MINI_INI}[server:ma` }, args: ['reset'], exit: 2, message: /is malformed at line 3/ },
  { name: 'a development INI with a section twice', files: { 'development.ini': `${MINI_INI}${MINI_INI}` }, args: ['reset'], exit: 2, message: /section \[app:main\] appears twice/ },
  { name: 'a development INI without [app:main]', files: { 'development.ini': '[server:main]\nport = 5000\n' }, args: ['reset'], exit: 2, message: /sets no sqlalchemy\.url in \[alembic\] or \[app:main\]; add the development database's URL there/ },
  { name: 'a development INI without sqlalchemy.url', files: { 'development.ini': '[app:main]\nuse = egg:kallithea\n' }, args: ['reset'], exit: 2, message: /sets no sqlalchemy\.url/ },
  { name: 'a development INI in Latin-1', files: { 'development.ini': Buffer.from(`# caf\xe9\n${MINI_INI}`, 'latin1') }, args: ['reset'], exit: 2, message: /development\.ini is not UTF-8 text/ },
  { name: 'a database URL with an unknown scheme', files: { 'development.ini': '[app:main]\nsqlalchemy.url = oracle://scott:tiger@db/kallithea\n' }, args: ['reset'], exit: 2, message: /"oracle:\/\/scott:tiger@db\/kallithea" .*has an unknown scheme; use sqlite:\/\/\// },
  { name: 'a database URL without a scheme', files: { 'development.ini': '[app:main]\nsqlalchemy.url = kallithea.db\n' }, args: ['reset'], exit: 2, message: /unknown scheme/ },
  { name: 'a database URL with a made-up driver scheme', files: { 'development.ini': '[app:main]\nsqlalchemy.url = mongodb+srv://x/y\n' }, args: ['reset'], exit: 2, message: /unknown scheme/ },
  { name: 'an in-memory SQLite URL', files: { 'development.ini': '[app:main]\nsqlalchemy.url = sqlite://\n' }, args: ['reset'], exit: 2, message: /in-memory SQLite database; give it a file path/ },
  { name: 'an undefined %(name)s in the URL', files: { 'development.ini': '[app:main]\nsqlalchemy.url = sqlite:///%(nothere)s/k.db\n' }, args: ['reset'], exit: 2, message: /%\(nothere\)s used in \[app:main\] .* is not defined/ },
  { name: 'an interpolation that refers to itself', files: { 'development.ini': '[DEFAULT]\na = %(a)s\n[app:main]\nsqlalchemy.url = %(a)s\n' }, args: ['reset'], exit: 2, message: /refers to itself/ },
  // The throwaway side
  { name: 'a throwaway database given as a URL', config: { throwawayDb: 'oracle://x/y' }, args: ['reset'], exit: 2, message: /"throwawayDb" is "oracle:\/\/x\/y", which is not allowed; it must be a SQLite file path/ },
  { name: 'a server URL with an unknown scheme', config: { servers: { postgres: 'oracle://x/y' } }, args: ['reset'], exit: 2, message: /"servers\.postgres" is "oracle:\/\/x\/y", which is not allowed; it must be a URL such as postgresql:/ },
  { name: 'a server engine without a server', config: { engine: 'mysql' }, args: ['reset'], exit: 2, message: /"servers" .*must give a URL for the engine chosen in "engine"/ },
  { name: 'the throwaway INI is the development INI', config: { throwawayIni: './development.ini' }, args: ['reset'], exit: 2, message: /"throwawayIni" and "devIni" .* are the same file/ },
  { name: 'the throwaway database is the development database', config: { throwawayDb: 'kallithea.db' }, args: ['reset'], exit: 2, message: /The throwaway database kallithea\.db is the development database of development\.ini/ },
  { name: 'a malformed throwaway INI', files: { 'temp.ini': '<html>not an ini</html>\n' }, args: ['reset'], exit: 2, message: /The throwaway INI .*temp\.ini is malformed at line 1/ },
  { name: 'a half-written throwaway INI', files: { 'temp.ini': '[app:main]\nsqlalchemy.url = sqlite:///%(here)s/temp.db\n[app:ma' }, args: ['reset'], exit: 2, message: /temp\.ini is malformed at line 3/ },
  { name: 'a throwaway INI in Latin-1', files: { 'temp.ini': Buffer.from(`# \xfc\n${MINI_INI}`, 'latin1') }, args: ['reset'], exit: 2, message: /temp\.ini is not UTF-8 text/ },
  { name: 'a missing repositories folder', config: { repos: 'no/such/repos' }, args: ['reset'], exit: 2, message: /The repositories folder .*no\/such\/repos does not exist; create it/ },
  { name: 'a repositories "folder" that is a file', config: { repos: 'temp.ini' }, args: ['reset'], exit: 2, message: /The repositories folder .*temp\.ini does not exist/ },
  { name: 'no admin password', args: ['reset'], env: { DEVDB_ADMIN_PASSWORD: '' }, exit: 2, message: /No admin password for setup-db: set DEVDB_ADMIN_PASSWORD/ },
  // The command line
  { name: 'cycle without -m', args: ['cycle'], exit: 2, message: /required option '-m, --message <message>' not specified/ },
  { name: 'a --sql-log value that is not on/off', args: ['reset', '--sql-log', 'maybe'], exit: 2, message: /option '--sql-log <state>' argument 'maybe' is invalid/ },
  { name: 'an unknown command', args: ['frobnicate'], exit: 2, message: /unknown command 'frobnicate'/ },
  { name: 'a --timeout that is not a number', args: ['reset', '--timeout', 'soon'], exit: 2, message: /--timeout \(or DEVDB_TIMEOUT\) is "soon"; give a number of seconds, such as 600/ },
  { name: 'a DEVDB_TIMEOUT of 0', args: ['cycle', '-m', 'x'], env: { DEVDB_TIMEOUT: '0' }, exit: 2, message: /--timeout \(or DEVDB_TIMEOUT\) is 0; give a number of seconds above 0/ },
  { name: 'an unknown --base', args: ['cycle', '-m', 'x', '--base', 'git'], exit: 2, message: /argument 'git' is invalid/ },
  { name: 'a snapshot id that matches none', args: ['snapshot', 'restore', 'nope'], exit: 2, message: /No snapshot matches "nope"; run "devdb snapshot list"/ },
  { name: 'apply with an option it does not take', args: ['apply', '--base', 'vcs'], exit: 2, message: /unknown option '--base'/ },
  { name: 'apply with no devdb.json here or above', config: null, args: ['apply'], exit: 2, message: /No devdb\.json in .* run "devdb init"/ },
  { name: 'an init --setup that is neither migrations nor models', config: null, args: ['init', '--yes', '--setup', 'everything'], exit: 2, message: /option '--setup <how>' argument 'everything' is invalid/ },
  { name: 'a --setup-command that is not a JSON array', config: null, args: ['init', '--yes', '--preset', 'alembic', '--setup-command', 'python setup.py'], exit: 2, message: /give the command as a JSON array of strings/ },
  { name: 'a --dev-db URL of an unknown scheme', config: null, args: ['init', '--yes', '--dev-db', 'ftp://host/db'], exit: 2, message: /The database URL "ftp:\/\/host\/db" in --dev-db has an unknown scheme/ },
  { name: 'a --dev-db that is the throwaway database', config: null, args: ['init', '--yes', '--dev-db', 'temp.db'], exit: 2, message: /--dev-db temp\.db is the throwaway database/ },
  { name: 'the checkout hook under a half-written devdb.json', config: '{"preset": "kallithea", "pyth', args: ['hook', 'checkout', '0000000', '1111111', '1'], exit: 2, message: /devdb\.json is not valid JSON .*; fix it or recreate it/ },
  { name: 'branch restore of a branch with no snapshot', args: ['branch', 'restore', 'nope'], exit: 2, message: /There is no snapshot of branch nope, so nothing was changed: run "devdb branch save nope"/ },
  { name: 'branch save outside any checkout without a NAME', args: ['branch', 'save'], exit: 2, message: /not in a git or Mercurial checkout, so devdb cannot tell the branch; give the branch name, e.g\. "devdb branch save NAME"/ },
  { name: 'a "devDb" in devdb.json that is in memory', config: { devDb: 'sqlite://' }, args: ['reset'], exit: 2, message: /The database URL "sqlite:\/\/" in "devDb" in .* is an in-memory SQLite database/ },
];

beforeAll(async () => {
  tb = await kallitheaTestbed();
  // The testbed's folder is private (mkdtemp); others (the unprivileged user below) need to reach its Python.
  fs.chmodSync(path.dirname(tb.dir), 0o755);
});

afterAll(() => {
  unmountAll();
});

describe(`${CASES.length} bad inputs in a small project`, () => {
  it.each(CASES)('$name', async (c) => {
    const root = miniProject(c);
    const before = files(root);
    const result = await devdb(c.args, { cwd: root, env: { DEVDB_ADMIN_PASSWORD: 'bad-inputs-secret', ...c.env } });
    expectClearRefusal(result, c.exit, c.message);
    expect(files(root)).toEqual(before);
  });
});

/** Runs devdb as the unprivileged user nobody: root passes every permission check. */
async function asNobody(args: string[], cwd: string): Promise<DevdbRun> {
  const result = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', CLI, ...args], {
    cwd,
    env: { NO_COLOR: '1', DEVDB_ADMIN_PASSWORD: 'bad-inputs-secret', HOME: '/tmp' },
    reject: false,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('bad environments', () => {
  it('a read-only project folder (an unprivileged user): devdb cannot make .devdb', async () => {
    const root = miniProject({});
    fs.chmodSync(root, 0o755);
    const before = files(root);
    const result = await asNobody(['reset'], root);
    expectClearRefusal(result, 2, /devdb cannot create its folder .*\.devdb \(EACCES\); make the project folder writable for you\./);
    expect(files(root)).toEqual(before);
  });

  it('a read-only repositories folder (an unprivileged user)', async () => {
    // Stand-ins for the Python and its tool (the testbed's live where nobody may not go); the run stops before starting
    // either, past the Python's version, which the stand-in gives as a Python would.
    const stub = '#!/bin/sh\nexit 1\n';
    const python = '#!/bin/sh\nprintf 3.11\n';
    const root = miniProject({ config: { repos: 'repos', python: 'bin/python' }, files: { 'repos/.keep': '', 'bin/python': python, 'bin/kallithea-cli': stub, 'bin/alembic': stub } });
    for (const tool of ['python', 'kallithea-cli', 'alembic']) fs.chmodSync(path.join(root, 'bin', tool), 0o755);
    fs.chmodSync(root, 0o755);
    fs.mkdirSync(path.join(root, '.devdb'));
    fs.chownSync(path.join(root, '.devdb'), 65534, 65534);
    const before = files(root);
    const result = await asNobody(['reset'], root);
    expectClearRefusal(result, 2, /The repositories folder .*repos is not writable; fix its permissions/);
    expect(files(root)).toEqual(before);
  });

  it.skipIf(!canMount)('a full disk under .devdb (a full tmpfs): the lock cannot be written', async () => {
    const root = miniProject({});
    fullDisk(path.join(root, '.devdb'), '64k');
    const before = files(root);
    const result = await devdb(['reset'], { cwd: root, env: { DEVDB_ADMIN_PASSWORD: 'x' } });
    expectClearRefusal(result, 2, /devdb cannot write its lock .*lock \(ENOSPC\)/);
    expect(files(root)).toEqual(before);
  });

  it.skipIf(!canMount)('a full disk under the throwaway database: setup-db fails with the reason, the development database is untouched', async () => {
    const full = path.join(tb.root, 'full');
    fullDisk(full, '64k');
    const devDb = sha256(tb.devDb);
    const config = path.join(tb.root, 'devdb.json');
    const json = fs.readFileSync(config, 'utf8');
    fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(json), throwawayDb: 'full/temp.db', throwawayIni: 'full-temp.ini' }));
    try {
      const result = await devdb(['reset'], { cwd: tb.root, env: tb.env });
      expectClearRefusal(result, 1, /setup-db failed: .*(disk is full|No space left)/);
      expect(sha256(tb.devDb)).toBe(devDb);
      expect(fs.existsSync(path.join(tb.root, '.devdb', 'lock'))).toBe(false);
    } finally {
      fs.writeFileSync(config, json);
      fs.rmSync(path.join(tb.root, 'full-temp.ini'), { force: true });
    }
  });
});

describe('bad projects (the Kallithea testbed)', () => {
  const versionsDir = () => path.join(tb.root, 'kallithea', 'alembic', 'versions');
  const migration = (revision: string, body: string) => `revision = '${revision}'\ndown_revision = '${tb.head}'\nbranch_labels = None\ndepends_on = None\n\n${body}`;
  const guarded = () => ({ devDb: sha256(tb.devDb), root: files(path.join(tb.root, '.devdb')) });

  it('two heads in the migrations', async () => {
    const added = ['aaaaaaaaaaa1', 'aaaaaaaaaaa2'].map((rev) => path.join(versionsDir(), `${rev}_head.py`));
    added.forEach((file, i) => fs.writeFileSync(file, migration(path.basename(file).slice(0, 12), `def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n# ${i}\n`)));
    const before = guarded();
    try {
      const result = await devdb(['cycle', '-m', 'x'], { cwd: tb.root, env: tb.env });
      expectClearRefusal(result, 2, /The migrations have 2 heads \(aaaaaaaaaaa[12], aaaaaaaaaaa[12]\); merge them with "alembic merge"/);
      expect(guarded()).toEqual(before);
    } finally {
      for (const file of added) fs.rmSync(file);
    }
  });

  it('a syntax error in a migration', async () => {
    const file = path.join(versionsDir(), 'bbbbbbbbbbbb_broken.py');
    fs.writeFileSync(file, migration('bbbbbbbbbbbb', 'def upgrade(:\n    pass\n'));
    const before = guarded();
    try {
      const result = await devdb(['verify'], { cwd: tb.root, env: tb.env });
      expectClearRefusal(result, 1, /Alembic cannot load the migration scripts through development\.ini \(SyntaxError: .*bbbbbbbbbbbb_broken\.py/);
      expect(guarded()).toEqual(before);
    } finally {
      fs.rmSync(file);
    }
  });

  it('an unsupported Kallithea version', async () => {
    const init = path.join(tb.root, 'kallithea', '__init__.py');
    const source = fs.readFileSync(init, 'utf8');
    fs.writeFileSync(init, source.replace(/^VERSION = \(0, 7, 0\)/m, 'VERSION = (0, 5, 2)'));
    const before = guarded();
    try {
      const result = await devdb(['cycle', '-m', 'x'], { cwd: tb.root, env: tb.env });
      expectClearRefusal(result, 2, /Kallithea 0\.5\.2 \(kallithea\/__init__\.py\) is older than 0\.6 .*use "devdb init --yes --force --preset kallithea-gearbox"/);
      expect(guarded()).toEqual(before);
    } finally {
      fs.writeFileSync(init, source);
    }
  });

  it('apply with the development database at the newest migration already: nothing to apply', async () => {
    const before = guarded();
    const result = await devdb(['apply'], { cwd: tb.root, env: tb.env });
    expectClearRefusal(result, 2, /kallithea\.db is at \w+ already, the newest migration .*; there is nothing to apply \(devdb verify proves it again\)\./);
    expect(guarded()).toEqual(before);
  });

  it('a locked SQLite development database', async () => {
    const holder = spawn(tb.python, ['-c', `import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('begin exclusive')\nprint('locked', flush=True)\ntime.sleep(30)`, tb.devDb], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const before = guarded();
    try {
      const result = await devdb(['cycle', '-m', 'x'], { cwd: tb.root, env: tb.env });
      expectClearRefusal(result, 2, /The database .*kallithea\.db is locked by another program .*; close that program or let it finish, then run again\./);
      expect(guarded()).toEqual(before);
    } finally {
      holder.kill('SIGKILL');
      await sleep(100);
    }
  });
});
