// Builds a real Kallithea 0.7.0 development setup (the devdb "testbed").
//
// Layout of a testbed directory DIR:
//   DIR/kallithea/       Kallithea 0.7.0 sdist tree, a git repo with one commit
//   DIR/venv/            virtualenv: Kallithea installed editable from DIR/kallithea,
//                        everything else seen through a .pth from the shared cache
//   DIR/repos/           repositories root (a sample git and a sample hg repo)
//   DIR/testbed.json     the contract (written last: its presence means complete)
//   DIR/testbed.log      every command run and its output
//
// Shared cache CACHE (DEVDB_TESTBED_CACHE, else $XDG_CACHE_HOME/devdb-testbed,
// else ~/.cache/devdb-testbed):
//   CACHE/sdist/Kallithea-0.7.0.tar.gz        checked against its sha256
//   CACHE/wheelhouse/*.whl                    every dependency as a wheel
//   CACHE/deps/<key>/                         a venv with all dependencies but
//                                             Kallithea; <key> hashes
//                                             requirements, constraints, Python
//   CACHE/cache.lock                          flock()ed while the cache is built
//   CACHE/templates/<key>/testbed             a testbed built step by step, which
//                                             new testbeds copy (clone.mjs)
// See docs/testbed.md.

import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { execa } from 'execa';
import fs from 'fs-extra';

import { cloneable, cloneTestbed } from './clone.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FILES = {
  requirements: path.join(HERE, 'requirements.txt'),
  constraints: path.join(HERE, 'constraints.txt'),
  shim: path.join(HERE, 'devdb_testbed_shim.py'),
  shimPth: path.join(HERE, 'devdb_testbed_shim.pth'),
  helper: path.join(HERE, 'helper.py'),
  gitignore: path.join(HERE, 'tree.gitignore'),
  mercurialPure: path.join(HERE, 'mercurial-pure.cfg'),
};

/** Bump when the recipe changes in a way that old testbeds/caches must not be reused. */
const RECIPE = 2;
export const SCHEMA = 1;
export const KALLITHEA_VERSION = '0.7.0';
const SDIST_FILE = `Kallithea-${KALLITHEA_VERSION}.tar.gz`;
/** sha256 of PyPI's Kallithea-0.7.0.tar.gz */
const SDIST_SHA256 = '3df498f25aee9c66ded7fca949a4a118a6ba28b7cbd1edd6034f2871d1c576c7';
export const ADMIN = Object.freeze({
  user: 'admin',
  email: 'admin@example.com',
  password: 'devdb-testbed-admin',
});
const GIT_IDENTITY = { name: 'devdb testbed', email: 'testbed@devdb.invalid' };
export const SAMPLE_GIT = 'devdb-sample.git';
export const SAMPLE_HG = 'devdb-sample-hg';
const LOCK_TIMEOUT_MS = 30 * 60 * 1000;

/** Environment for every child: nothing from the caller's Python/pip/git setup leaks in. */
export const CHILD_ENV = {
  PYTHONPATH: undefined,
  PYTHONHOME: undefined,
  PYTHONSTARTUP: undefined,
  PYTHONUSERBASE: undefined,
  PYTHONNOUSERSITE: '1',
  VIRTUAL_ENV: undefined,
  PIP_USER: undefined,
  PIP_TARGET: undefined,
  PIP_PREFIX: undefined,
  PIP_REQUIRE_VIRTUALENV: undefined,
  PIP_NO_INPUT: '1',
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_OBJECT_DIRECTORY: undefined,
  GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined,
  GIT_AUTHOR_NAME: GIT_IDENTITY.name,
  GIT_AUTHOR_EMAIL: GIT_IDENTITY.email,
  GIT_COMMITTER_NAME: GIT_IDENTITY.name,
  GIT_COMMITTER_EMAIL: GIT_IDENTITY.email,
  HGPLAIN: '1',
  HGRCPATH: '',
  HGUSER: `${GIT_IDENTITY.name} <${GIT_IDENTITY.email}>`,
};

export class TestbedError extends Error {
  /** exitCode 2: something the build needs is missing (not a failed build). */
  constructor(message, { exitCode = 1 } = {}) {
    super(message);
    this.name = 'TestbedError';
    this.exitCode = exitCode;
  }
}

export function defaultCacheDir(env = process.env) {
  if (env.DEVDB_TESTBED_CACHE) return path.resolve(env.DEVDB_TESTBED_CACHE);
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)
    ? env.XDG_CACHE_HOME
    : path.join(os.homedir(), '.cache');
  return path.join(xdg, 'devdb-testbed');
}

export const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
export const secs = (ms) => (ms / 1000).toFixed(1);
const exists = (p) => fs.pathExists(p);

/** A Python string literal for `s` that is pure ASCII (site.py reads .pth files in the locale encoding). */
function pyString(s) {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

function quoteArg(a) {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
}

export class Context {
  constructor({ dir, quiet, out }) {
    this.dir = dir;
    this.quiet = quiet;
    this.out = out;
    this.logFile = path.join(dir, 'testbed.log');
    this.t0 = Date.now();
  }

  say(msg, ms) {
    if (!this.quiet) this.out.write(`testbed: ${msg}${ms === undefined ? '' : ` (${secs(ms)} s)`}\n`);
  }

  async log(text) {
    await fs.appendFile(this.logFile, text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Runs a command (argument array, never a shell), logs it, throws TestbedError naming `what` on failure. */
  async run(file, args, { cwd, env, input, what, allowFail = false } = {}) {
    const t = Date.now();
    const options = {
      cwd,
      env: { ...CHILD_ENV, ...env },
      reject: false,
      all: true,
      maxBuffer: 512 * 1024 * 1024,
    };
    if (input === undefined) options.stdin = 'ignore';
    else options.input = input;
    const r = await execa(file, args, options);
    await this.log(
      `$ ${[file, ...args].map(quoteArg).join(' ')}${cwd ? `   # in ${cwd}` : ''}\n` +
        `${r.all ?? ''}\n[${r.exitCode === undefined ? r.code ?? 'failed to start' : `exit ${r.exitCode}`}, ${secs(Date.now() - t)} s]\n`,
    );
    if (r.failed && !allowFail) {
      const why = r.exitCode === undefined
        ? (r.code === 'ENOENT' ? `${path.basename(file)} or its #! interpreter was not found` : r.shortMessage)
        : `exit code ${r.exitCode}`;
      throw new TestbedError(`${what ?? path.basename(file)} failed (${why}); the log is ${this.logFile}`);
    }
    return r;
  }

  /**
   * Holds an flock() on lockFile while fn runs. The lock is held by a small
   * Python child, so the kernel releases it if this process dies in any way.
   */
  async withLock(python, lockFile, what, fn) {
    await fs.ensureDir(path.dirname(lockFile));
    const code = [
      'import fcntl, sys',
      "f = open(sys.argv[1], 'a')",
      'def say(word):',
      "    sys.stdout.write(word + '\\n')",
      '    sys.stdout.flush()',
      // Python 2 (the gearbox testbed's) as well as 3: IOError is not an OSError there.
      'try:',
      '    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)',
      'except (IOError, OSError):',
      "    say('waiting')",
      '    fcntl.flock(f, fcntl.LOCK_EX)',
      "say('locked')",
      'sys.stdin.read()',
    ].join('\n');
    const child = execa(python, ['-c', code, lockFile], {
      env: CHILD_ENV,
      stdin: 'pipe',
      reject: false,
      buffer: false,
    });
    const t = Date.now();
    await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => {
        child.kill();
        reject(new TestbedError(`timed out after ${LOCK_TIMEOUT_MS / 60000} minutes waiting for the lock on ${what} (${lockFile})`));
      }, LOCK_TIMEOUT_MS);
      child.stdout.on('data', (d) => {
        seen += d.toString();
        if (seen.includes('waiting') && !seen.includes('locked')) {
          this.say(`waiting for another testbed build that holds the lock on ${what}`);
          seen = seen.replace('waiting', '');
        }
        if (seen.includes('locked')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.then((r) => {
        clearTimeout(timer);
        reject(new TestbedError(`could not lock ${what} (${lockFile}): ${r.shortMessage ?? `exit code ${r.exitCode}`}`));
      });
    });
    if (Date.now() - t > 1000) this.say(`got the lock on ${what}`, Date.now() - t);
    try {
      return await fn();
    } finally {
      child.stdin.end();
      await child;
    }
  }
}

async function probePython(ctx) {
  const python = process.env.DEVDB_TESTBED_PYTHON || 'python3';
  const code = [
    'import json, os, platform, sys, sysconfig',
    'print(json.dumps({',
    '  "executable": os.path.realpath(sys.executable),',
    '  "version": platform.python_version(),',
    '  "major": sys.version_info[0], "minor": sys.version_info[1],',
    '  "platform": sysconfig.get_platform(),',
    '  "soabi": sysconfig.get_config_var("SOABI"),',
    '}))',
  ].join('\n');
  const r = await ctx.run(python, ['-c', code], {
    what: `running ${python} (set DEVDB_TESTBED_PYTHON to a Python 3.11 to use another)`,
  });
  const info = JSON.parse(r.stdout.trim().split('\n').pop());
  if (info.major !== 3 || info.minor !== 11) {
    throw new TestbedError(
      `${python} is Python ${info.version}, but the testbed's pins are made for Python 3.11; set DEVDB_TESTBED_PYTHON to a Python 3.11 interpreter`,
    );
  }
  return info;
}

async function computeKeys(py, dir, cacheDir) {
  const [req, con, hgcfg, shim, helper] = await Promise.all(
    [FILES.requirements, FILES.constraints, FILES.mercurialPure, FILES.shim, FILES.helper]
      .map((f) => fs.readFile(f, 'utf8')),
  );
  const depsKey = sha256(JSON.stringify({
    recipe: RECIPE, req, con, hgcfg, exe: py.executable, version: py.version, platform: py.platform, soabi: py.soabi,
  })).slice(0, 16);
  // The venv's .pth names the deps directory, so the cache location is part of its key.
  const venvKey = sha256(JSON.stringify({ recipe: RECIPE, depsKey, shim, helper, dir, cacheDir })).slice(0, 16);
  const mercurial = /^mercurial==(\S+)\s*$/m.exec(con)?.[1];
  if (!mercurial) throw new TestbedError(`${FILES.constraints} has no "mercurial==VERSION" line`);
  return { depsKey, venvKey, mercurial };
}

function layout(dir, cacheDir, py, keys) {
  const root = path.join(dir, 'kallithea');
  const venv = path.join(dir, 'venv');
  const bin = path.join(venv, 'bin');
  const pyLib = `python${py.major}.${py.minor}`;
  const depsDir = path.join(cacheDir, 'deps', keys.depsKey);
  return {
    dir,
    root,
    venv,
    bin,
    python: path.join(bin, 'python'),
    kallitheaCli: path.join(bin, 'kallithea-cli'),
    alembic: path.join(bin, 'alembic'),
    venvSite: path.join(venv, 'lib', pyLib, 'site-packages'),
    venvMarker: path.join(venv, 'devdb-testbed-venv.json'),
    devIni: path.join(root, 'development.ini'),
    devDb: path.join(root, 'kallithea.db'),
    repos: path.join(dir, 'repos'),
    json: path.join(dir, 'testbed.json'),
    cacheDir,
    sdist: path.join(cacheDir, 'sdist', SDIST_FILE),
    wheelhouse: path.join(cacheDir, 'wheelhouse'),
    depsDir,
    depsPython: path.join(depsDir, 'bin', 'python'),
    depsBin: path.join(depsDir, 'bin'),
    depsSite: path.join(depsDir, 'lib', pyLib, 'site-packages'),
    depsMarker: path.join(depsDir, 'devdb-testbed-deps.json'),
  };
}

/** Writes testbed.json atomically (its presence means the testbed is complete); returns tb. */
export async function writeTestbedJson(file, tb) {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, `${JSON.stringify(tb, null, 2)}\n`);
  await fs.rename(tmp, file);
  return tb;
}

export async function readJson(file) {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- the cache

async function cacheReady(L) {
  return (await exists(L.depsMarker)) && (await exists(L.sdist));
}

async function ensureCache(ctx, py, L, keys) {
  if (await cacheReady(L)) return false;
  await fs.ensureDir(L.cacheDir);
  await ctx.withLock(py.executable, path.join(L.cacheDir, 'cache.lock'), `the testbed cache ${L.cacheDir}`, async () => {
    if (await cacheReady(L)) return;
    const t = Date.now();
    await fs.ensureDir(path.join(L.cacheDir, 'tmp'));
    // A constraints file URL: PIP_CONSTRAINT is split on whitespace, a file: URL has none.
    const conUrl = pathToFileURL(FILES.constraints).href;
    const pipEnv = { PIP_CONSTRAINT: conUrl };

    // 1. the deps venv, at its final path; complete only once its marker is written.
    //    (Only rebuilt while it has no marker, so no testbed can be using it.)
    const depsDone = await exists(L.depsMarker);
    if (!depsDone) {
      if (await exists(L.depsDir)) await fs.remove(L.depsDir);
      await ctx.run(py.executable, ['-m', 'venv', L.depsDir], { what: 'creating the shared deps virtualenv' });
      ctx.say(`cache: created deps virtualenv ${keys.depsKey}`, Date.now() - t);
    }

    // 2. the Kallithea sdist
    if (!(await exists(L.sdist)) || sha256(await fs.readFile(L.sdist)) !== SDIST_SHA256) {
      const t2 = Date.now();
      const tmp = await fs.mkdtemp(path.join(L.cacheDir, 'tmp', 'sdist-'));
      const req = path.join(tmp, 'kallithea-requirement.txt');
      await fs.writeFile(req, `kallithea==${KALLITHEA_VERSION} --hash=sha256:${SDIST_SHA256}\n`);
      await ctx.run(L.depsPython, ['-m', 'pip', 'download', '--no-deps', '--no-binary', ':all:', '--dest', tmp, '-r', req], {
        env: pipEnv,
        what: `downloading the Kallithea ${KALLITHEA_VERSION} sdist from PyPI`,
      });
      const got = path.join(tmp, SDIST_FILE);
      if (!(await exists(got)) || sha256(await fs.readFile(got)) !== SDIST_SHA256) {
        throw new TestbedError(`the downloaded ${SDIST_FILE} is missing or does not have the expected sha256 ${SDIST_SHA256}`);
      }
      await fs.ensureDir(path.dirname(L.sdist));
      await fs.rename(got, L.sdist);
      await fs.remove(tmp);
      ctx.say(`cache: downloaded ${SDIST_FILE}`, Date.now() - t2);
    }
    if (depsDone) return;

    // 3. wheels, then the deps venv from them, offline
    const install = (allowFail) => ctx.run(L.depsPython, [
      '-m', 'pip', 'install', '--no-index', '--find-links', L.wheelhouse,
      '-r', FILES.requirements, '-c', FILES.constraints,
    ], { env: pipEnv, allowFail, what: 'installing the dependencies from the wheelhouse' });
    await fs.ensureDir(L.wheelhouse);
    const r = await install(true);
    if (r.failed) {
      await fillWheelhouse(ctx, L, keys, pipEnv);
      await install(false);
    }
    await fs.writeJson(L.depsMarker, {
      key: keys.depsKey,
      python: py.executable,
      pythonVersion: py.version,
      createdAt: new Date().toISOString(),
    }, { spaces: 2 });
    ctx.say(`cache: deps virtualenv ${keys.depsKey} ready`, Date.now() - t);
  });
  return true;
}

async function moveNewWheels(from, to) {
  const moved = [];
  for (const f of await fs.readdir(from)) {
    if (!f.endsWith('.whl')) continue;
    const dest = path.join(to, f);
    if (await exists(dest)) continue;
    await fs.move(path.join(from, f), dest);
    moved.push(f);
  }
  return moved;
}

async function fillWheelhouse(ctx, L, keys, pipEnv) {
  const t = Date.now();
  const hgWheel = `mercurial-${keys.mercurial}-py3-none-any.whl`;
  if (!(await exists(path.join(L.wheelhouse, hgWheel)))) {
    // Mercurial <5.9's C extensions do not compile on Python 3.11; build it pure-Python.
    const tmp = await fs.mkdtemp(path.join(L.cacheDir, 'tmp', 'hg-'));
    // `setup.py --pure` via a distutils config file: setuptools 65's PEP 517
    // backend passes --global-option after the command, where --pure is unknown.
    await ctx.run(L.depsPython, [
      '-m', 'pip', 'wheel', '--no-deps', '--no-binary', 'mercurial', '--wheel-dir', tmp, `mercurial==${keys.mercurial}`,
    ], {
      env: { ...pipEnv, DIST_EXTRA_CONFIG: FILES.mercurialPure },
      what: `building a pure-Python wheel of mercurial ${keys.mercurial}`,
    });
    if (!(await exists(path.join(tmp, hgWheel)))) {
      throw new TestbedError(`building mercurial ${keys.mercurial} with --pure did not produce ${hgWheel}`);
    }
    await moveNewWheels(tmp, L.wheelhouse);
    await fs.remove(tmp);
    ctx.say(`cache: built ${hgWheel}`, Date.now() - t);
  }
  const t2 = Date.now();
  const tmp = await fs.mkdtemp(path.join(L.cacheDir, 'tmp', 'wheels-'));
  await ctx.run(L.depsPython, [
    '-m', 'pip', 'wheel', '--find-links', L.wheelhouse, '--wheel-dir', tmp,
    '-r', FILES.requirements, '-c', FILES.constraints,
  ], { env: pipEnv, what: 'downloading and building the dependency wheels' });
  const moved = await moveNewWheels(tmp, L.wheelhouse);
  await fs.remove(tmp);
  ctx.say(`cache: wheelhouse has ${moved.length} new wheels`, Date.now() - t2);
}

// ------------------------------------------------------------ the testbed

async function gitHead(ctx, repoDir) {
  if (!(await exists(path.join(repoDir, '.git')))) return null;
  const r = await ctx.run('git', ['-C', repoDir, 'rev-parse', '--verify', '-q', 'HEAD'], { allowFail: true });
  return r.failed ? null : r.stdout.trim();
}

/**
 * The source tree at L.root from `tarball`, in git with one commit; it is made in
 * <dir>/.kallithea.partial and renamed into place once committed. `check` runs first,
 * only when the tree has to be made.
 */
export async function ensureTree(ctx, L, { tarball, gitignore, message, check = async () => undefined }) {
  const t = Date.now();
  const head = await gitHead(ctx, L.root);
  if (head && (await exists(L.devIni))) return head;
  if (await exists(L.root)) {
    throw new TestbedError(`${L.root} exists but is not a testbed source tree (no git repository with a commit); move it away or use another directory`);
  }
  await check();
  const tmp = path.join(L.dir, '.kallithea.partial');
  await fs.remove(tmp);
  await fs.ensureDir(tmp);
  await ctx.run('tar', ['-xzf', tarball, '-C', tmp, '--strip-components=1', '--no-same-owner'], {
    what: `extracting ${path.basename(tarball)}`,
  });
  await fs.copy(gitignore, path.join(tmp, '.gitignore'));
  const git = (args, what) => ctx.run('git', ['-C', tmp, ...args], { what });
  await git(['-c', 'init.defaultBranch=main', 'init', '-q'], 'git init of the source tree');
  await git(['config', 'user.name', GIT_IDENTITY.name], 'git config');
  await git(['config', 'user.email', GIT_IDENTITY.email], 'git config');
  await git(['add', '-A'], 'git add of the source tree');
  await git(['-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', message], 'the initial git commit of the source tree');
  await fs.rename(tmp, L.root);
  const sha = await gitHead(ctx, L.root);
  ctx.say(`source tree: ${message.split(' with ')[0]} in git, commit ${sha.slice(0, 12)}`, Date.now() - t);
  return sha;
}

async function createVenv(ctx, py, L, keys) {
  const marker = await readJson(L.venvMarker);
  if (marker && marker.key === keys.venvKey && (await exists(L.python)) && (await exists(L.kallitheaCli))) return false;
  await fs.remove(L.venv);
  await ctx.run(py.executable, ['-m', 'venv', '--without-pip', L.venv], { what: 'creating the testbed virtualenv' });
  await fs.writeFile(
    path.join(L.venvSite, '_devdb_testbed_deps.pth'),
    `# devdb testbed: the shared dependencies (everything but Kallithea), read-only\nimport site; site.addsitedir(${pyString(L.depsSite)})\n`,
  );
  await fs.copy(FILES.shim, path.join(L.venvSite, 'devdb_testbed_shim.py'));
  await fs.copy(FILES.shimPth, path.join(L.venvSite, 'devdb_testbed_shim.pth'));
  await ctx.run(L.python, [FILES.helper, 'scripts', L.depsSite, L.depsBin, L.bin], {
    what: 'writing the console scripts of the dependencies into the testbed virtualenv',
  });
  return true;
}

async function installEditable(ctx, L, keys) {
  await Promise.all([
    // editable_mode=compat: a plain .pth naming the source root, as `pip install -e .`
    // did in 2021. setuptools' default import-hook finder loses to the PathFinder
    // whenever the cwd is the testbed dir: `kallithea/` (the source root, no
    // __init__.py) is then imported as an empty namespace package.
    ctx.run(L.python, [
      '-m', 'pip', 'install', '--no-deps', '--no-build-isolation', '--no-index', '--use-pep517',
      '--config-settings', 'editable_mode=compat', '-e', L.root,
    ], { cwd: L.dir, what: 'the editable install of Kallithea into the testbed virtualenv' }),
    // Byte-compile the tree once (its __pycache__/ is git-ignored): every later
    // kallithea-cli/alembic start saves ~0.1 s, also under PYTHONDONTWRITEBYTECODE.
    ctx.run(L.python, ['-m', 'compileall', '-q', 'kallithea'], { cwd: L.root, what: 'byte-compiling the source tree' }),
  ]);
  await fs.writeJson(L.venvMarker, { key: keys.venvKey, depsKey: keys.depsKey, root: L.root }, { spaces: 2 });
}

/**
 * The sample repositories in L.repos, each made under a temp name: a bare git one
 * (Kallithea ignores the others) and an hg one, made with `hg` (an argv prefix).
 */
export async function ensureSampleRepos(ctx, L, hg) {
  await fs.ensureDir(L.repos);
  const gitRepo = path.join(L.repos, SAMPLE_GIT);
  if (!(await exists(gitRepo))) {
    const tmp = path.join(L.repos, `.${SAMPLE_GIT}.partial`);
    await fs.remove(tmp);
    const git = (args, input) => ctx.run('git', [`--git-dir=${tmp}`, ...args], { input, what: 'creating the sample git repository' });
    await ctx.run('git', ['-c', 'init.defaultBranch=main', 'init', '-q', '--bare', tmp], { what: 'creating the sample git repository' });
    const blob = (await git(['hash-object', '-w', '--stdin'], 'A sample repository made by the devdb testbed.\n')).stdout.trim();
    const tree = (await git(['mktree'], `100644 blob ${blob}\tREADME\n`)).stdout.trim();
    const commit = (await git(['commit-tree', tree, '-m', 'Initial commit'])).stdout.trim();
    await git(['update-ref', 'refs/heads/main', commit]);
    await git(['symbolic-ref', 'HEAD', 'refs/heads/main']);
    await fs.rename(tmp, gitRepo);
  }
  const hgRepo = path.join(L.repos, SAMPLE_HG);
  if (!(await exists(hgRepo))) {
    const tmp = path.join(L.repos, `.${SAMPLE_HG}.partial`);
    await fs.remove(tmp);
    await ctx.run(hg[0], [...hg.slice(1), 'init', tmp], { what: 'creating the sample hg repository' });
    await fs.writeFile(path.join(tmp, 'README'), 'A sample repository made by the devdb testbed.\n');
    await ctx.run(hg[0], [...hg.slice(1), '-R', tmp, 'commit', '-q', '-A', '-m', 'Initial commit'], {
      what: 'committing to the sample hg repository',
    });
    await fs.rename(tmp, hgRepo);
  }
}

export function parseRevisions(stdout) {
  const revs = [];
  for (const line of stdout.split('\n')) {
    const m = /^([0-9a-f]{6,})\b/.exec(line.trim());
    if (m) revs.push(m[1]);
  }
  return revs.sort();
}

async function completeTestbed(L, keys) {
  const tb = await readJson(L.json);
  if (!tb || tb.schema !== SCHEMA || tb.cache?.depsKey !== keys.depsKey || tb.venvKey !== keys.venvKey) return null;
  const marker = await readJson(L.venvMarker);
  if (!marker || marker.key !== keys.venvKey) return null;
  const needed = [L.depsMarker, L.python, L.kallitheaCli, L.alembic, L.devIni, L.devDb, path.join(L.root, '.git'), L.repos];
  for (const p of needed) if (!(await exists(p))) return null;
  return tb;
}

/** Whether a build has begun at L.dir: only an untouched directory is cloned, a half-made one is finished. */
async function madeAny(L) {
  for (const p of [L.root, L.venv, L.repos, L.json]) if (await exists(p)) return true;
  return false;
}

/**
 * The template testbed the clones of this cache copy (scripts/testbed/clone.mjs),
 * built the ordinary way the first time; its key hashes every input of a build.
 */
async function ensureTemplate(ctx, py, L, keys) {
  const recipe = await Promise.all([fileURLToPath(import.meta.url), FILES.gitignore, FILES.shim, FILES.shimPth, FILES.helper].map((f) => fs.readFile(f, 'utf8')));
  const key = sha256(JSON.stringify({ recipe, depsKey: keys.depsKey, admin: ADMIN, sdist: SDIST_SHA256 })).slice(0, 16);
  const dir = path.join(L.cacheDir, 'templates', key, 'testbed');
  const built = async () => {
    const tb = await readJson(path.join(dir, 'testbed.json'));
    return tb && tb.schema === SCHEMA && tb.dir === dir ? tb : null;
  };
  const ready = await built();
  if (ready) return { dir, tb: ready };
  return ctx.withLock(py.executable, path.join(L.cacheDir, 'templates', `${key}.lock`), `the template testbed ${key}`, async () => {
    const meanwhile = await built();
    if (meanwhile) return { dir, tb: meanwhile };
    const t = Date.now();
    await fs.remove(dir);
    const tb = await buildTestbed(dir, { quiet: true, cacheDir: L.cacheDir, template: false });
    ctx.say(`template: built the template testbed ${key} (its log is ${path.join(dir, 'testbed.log')})`, Date.now() - t);
    return { dir, tb };
  });
}

/**
 * Builds (or finishes, or just confirms) the testbed at dir and returns the
 * contents of its testbed.json.
 * @param {string} dirArg
 * @param {{quiet?: boolean, out?: NodeJS.WritableStream, cacheDir?: string}} [opts]
 */
export async function buildTestbed(dirArg, opts = {}) {
  const dir = path.resolve(dirArg);
  await fs.ensureDir(dir);
  const ctx = new Context({ dir, quiet: !!opts.quiet, out: opts.out ?? process.stdout });
  await ctx.log(`\n===== ${new Date().toISOString()} testbed build of ${dir} (pid ${process.pid})`);
  const py = await probePython(ctx);
  const cacheDir = opts.cacheDir ? path.resolve(opts.cacheDir) : defaultCacheDir();
  const keys = await computeKeys(py, dir, cacheDir);
  const L = layout(dir, cacheDir, py, keys);

  const done = await completeTestbed(L, keys);
  if (done) {
    ctx.say('already complete, nothing to do', Date.now() - ctx.t0);
    return done;
  }

  return ctx.withLock(py.executable, path.join(dir, '.testbed.lock'), `the testbed directory ${dir}`, async () => {
    const again = await completeTestbed(L, keys);
    if (again) {
      ctx.say('completed meanwhile by another build, nothing to do', Date.now() - ctx.t0);
      return again;
    }
    const previous = await readJson(L.json);
    ctx.say(`python ${py.version} (${py.executable}), cache ${L.cacheDir}`);

    let t = Date.now();
    if (!(await ensureCache(ctx, py, L, keys))) ctx.say(`cache: deps virtualenv ${keys.depsKey} reused`, Date.now() - t);

    if (opts.template !== false && process.env.DEVDB_TESTBED_TEMPLATE !== 'off' && cloneable(dir) && !(await madeAny(L))) {
      t = Date.now();
      const { dir: template, tb: source } = await ensureTemplate(ctx, py, L, keys);
      const tb = await cloneTestbed(ctx, L, keys, template, source, TestbedError);
      ctx.say(`clone: copied the template testbed ${path.basename(path.dirname(template))} and moved its paths`, Date.now() - t);
      return writeTestbedJson(L.json, tb);
    }

    // The source tree, the venv (minus Kallithea) and the sample repos are independent.
    t = Date.now();
    const [baseCommit, venvMade] = await Promise.all([
      ensureTree(ctx, L, {
        tarball: L.sdist,
        gitignore: FILES.gitignore,
        message: `Kallithea ${KALLITHEA_VERSION} (PyPI sdist) with devdb testbed .gitignore`,
      }),
      createVenv(ctx, py, L, keys),
      // Through the interpreter: pip writes a plain #! line into data scripts such
      // as hg, which the kernel cannot run when the cache path has a space.
      ensureSampleRepos(ctx, L, [L.depsPython, path.join(L.depsBin, 'hg')]),
    ]);
    if (venvMade) {
      await installEditable(ctx, L, keys);
      ctx.say('venv: deps linked from the cache, Kallithea installed editable', Date.now() - t);
    } else {
      ctx.say('venv: kept', Date.now() - t);
    }

    t = Date.now();
    if (previous && (await exists(L.devDb))) {
      ctx.say('database: kept the existing kallithea.db');
    } else {
      for (const f of [L.devDb, `${L.devDb}-journal`]) await fs.remove(f);
      await ctx.run(L.kallitheaCli, [
        'db-create', '-c', 'development.ini',
        '--user', ADMIN.user, '--password', ADMIN.password, '--email', ADMIN.email,
        '--repos', L.repos, '--force-yes', '--no-public-access',
      ], { cwd: L.root, what: 'kallithea-cli db-create' });
      ctx.say('database: kallithea-cli db-create', Date.now() - t);
    }

    t = Date.now();
    const alembicRun = (cmd) => ctx.run(L.alembic, ['-c', 'development.ini', cmd], { cwd: L.root, what: `alembic ${cmd}` });
    const [headsR, currentR, infoR] = await Promise.all([
      alembicRun('heads'),
      alembicRun('current'),
      ctx.run(L.python, [FILES.helper, 'info'], { cwd: L.dir, what: 'reading versions from the testbed virtualenv' }),
    ]);
    const heads = parseRevisions(headsR.stdout);
    const current = parseRevisions(currentR.stdout);
    if (heads.length !== 1) throw new TestbedError(`alembic heads should name exactly one head, it printed: ${headsR.stdout.trim() || '(nothing)'}`);
    if (current.join() !== heads.join()) {
      if (!previous) throw new TestbedError(`after db-create, alembic current (${current.join(', ') || 'none'}) is not the head (${heads[0]})`);
      ctx.say(`warning: the kept kallithea.db is at ${current.join(', ') || 'no revision'}, not at the head ${heads[0]}`);
    }
    const info = JSON.parse(infoR.stdout.trim().split('\n').pop());
    const realRoot = await fs.realpath(L.root);
    if (!info.kallitheaFile.startsWith(realRoot + path.sep)) {
      throw new TestbedError(`the testbed python imports kallithea from ${info.kallitheaFile}, not from the source tree ${L.root}`);
    }
    const status = await ctx.run('git', ['-C', L.root, 'status', '--porcelain'], { what: 'git status of the source tree' });
    if (status.stdout.trim() && !previous) {
      throw new TestbedError(`git status of ${L.root} is not clean after db-create: ${status.stdout.trim().split('\n').slice(0, 3).join('; ')}`);
    }
    ctx.say(`checked: alembic current = head ${heads[0]}, kallithea imported from the tree`, Date.now() - t);

    const tb = {
      schema: SCHEMA,
      dir: L.dir,
      root: L.root,
      python: L.python,
      devIni: L.devIni,
      venv: L.venv,
      bin: L.bin,
      kallitheaCli: L.kallitheaCli,
      alembic: L.alembic,
      devDb: L.devDb,
      sqlalchemyUrl: `sqlite:///${L.devDb}?timeout=60`,
      repos: L.repos,
      sampleRepos: [SAMPLE_GIT, SAMPLE_HG],
      adminUser: ADMIN.user,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      kallitheaVersion: info.kallithea,
      alembicVersion: info.alembic,
      sqlalchemyVersion: info.sqlalchemy,
      mercurialVersion: info.mercurial,
      pythonVersion: info.python,
      head: heads[0],
      baseCommit,
      venvKey: keys.venvKey,
      cache: { dir: L.cacheDir, depsKey: keys.depsKey, depsDir: L.depsDir, depsSitePackages: L.depsSite, sdist: L.sdist },
      createdAt: previous?.createdAt ?? new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    return writeTestbedJson(L.json, tb);
  });
}

const USAGE = `usage: node scripts/testbed.mjs [--quiet] [--json] [--dialect 0.7|gearbox] <dir>

Builds at <dir> a real Kallithea development setup (source tree in git,
editable virtualenv, development database at the Alembic head) and writes
<dir>/testbed.json. Rerunning on a complete testbed does nothing.

  --quiet            print only the final line (and errors)
  --json             print testbed.json to stdout as the final output
  --dialect 0.7      Kallithea ${KALLITHEA_VERSION} from PyPI on Python 3.11, kallithea-cli (default)
  --dialect gearbox  the seed's gearbox-era Kallithea on Python 2.7, from the shared fixture

Environment: DEVDB_TESTBED_CACHE (cache directory, default
\${XDG_CACHE_HOME:-~/.cache}/devdb-testbed), DEVDB_TESTBED_PYTHON (default python3),
DEVDB_GEARBOX_SOURCE (the gearbox tarball), DEVDB_GEARBOX_PYTHON (a Python 2.7).
See docs/testbed.md.`;

const DIALECTS = ['0.7', 'gearbox'];

/** CLI entry point; returns the exit code. */
export async function main(argv) {
  const flags = new Set();
  const positional = [];
  let dialect = '0.7';
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--') continue;
    if (a === '--dialect' || a.startsWith('--dialect=')) {
      dialect = a === '--dialect' ? argv[(i += 1)] : a.slice('--dialect='.length);
      if (!DIALECTS.includes(dialect)) {
        process.stderr.write(`testbed: error: --dialect must be one of ${DIALECTS.join(', ')}, not ${dialect ?? '(nothing)'}.\n`);
        return 2;
      }
    } else if (a.startsWith('-') && a !== '-') flags.add(a);
    else positional.push(a);
  }
  if (flags.has('--help') || flags.has('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = [...flags].filter((f) => !['--quiet', '--json'].includes(f));
  if (unknown.length || positional.length !== 1) {
    process.stderr.write(`testbed: error: ${unknown.length ? `unknown option ${unknown[0]}` : 'expected exactly one directory argument'}.\n${USAGE}\n`);
    return 2;
  }
  // Under `npm run testbed -- <dir>` the cwd is the package root; resolve against where npm was started.
  const base = process.env.npm_lifecycle_event === 'testbed' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  const dir = path.resolve(base, positional[0]);
  const t0 = Date.now();
  try {
    const json = flags.has('--json');
    const build = dialect === 'gearbox' ? (await import('./gearbox.mjs')).buildGearboxTestbed : buildTestbed;
    const tb = await build(dir, { quiet: flags.has('--quiet') || json, out: json ? process.stderr : process.stdout });
    if (json) process.stdout.write(`${JSON.stringify(tb, null, 2)}\n`);
    else process.stdout.write(`testbed: ready at ${dir} (${secs(Date.now() - t0)} s)\n`);
    return 0;
  } catch (e) {
    const msg = e instanceof TestbedError ? e.message : `unexpected error: ${e?.stack ?? e}`;
    process.stderr.write(`testbed: error: ${msg.replace(/\.?$/, '.')}\n`);
    return e instanceof TestbedError ? e.exitCode : 1;
  }
}
