// Builds the gearbox-era Kallithea testbed (`--dialect gearbox`): the seed's own
// commands (gearbox make-config / setup-db / repo-scan) on Python 2.7, from the
// source tarball in the shared fixture (../shared/fixtures/kallithea-gearbox/).
//
// Layout of DIR: as for the 0.7 testbed (kallithea/, venv/, repos/, testbed.json,
// testbed.log), but venv/ is a Python 2.7 virtualenv with everything installed in it.
//
// In the shared cache CACHE (see lib.mjs), only these are added:
//   CACHE/gearbox/virtualenv-<version>/   virtualenv for Python 2 (`pip install --target`)
//   CACHE/gearbox/wheelhouse/*.whl        every dependency as a Python 2 wheel
//   CACHE/gearbox/wheelhouse-<key>.json   the wheelhouse holds all of <key>'s wheels
//   CACHE/gearbox/cache.lock              flock()ed while the above are built
// See docs/testbed.md.

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { execa } from 'execa';
import fs from 'fs-extra';

import {
  ADMIN, CHILD_ENV, Context, SAMPLE_GIT, SAMPLE_HG, SCHEMA, TestbedError,
  defaultCacheDir, ensureSampleRepos, ensureTree, parseRevisions, readJson, sha256, writeTestbedJson,
} from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const CONSTRAINTS = path.join(HERE, 'gearbox-constraints.txt');
const GITIGNORE = path.join(HERE, 'gearbox-tree.gitignore');
const RECIPE = 1;
const FIXTURE = path.join('shared', 'fixtures', 'kallithea-gearbox');
const TARBALL = 'kallithea-b7ef1631.tar.gz';
/** The fixture's tarball: changeset b7ef1631154a, the last with the gearbox commands. */
const TARBALL_SHA256 = '6e94ea354def97dc075fed6a467b420f8e9f650df9d62516da12ae406fa7ed8c';
const CHANGESET = 'b7ef1631154a';
const VIRTUALENV = '20.15.1';
/** The machine's pip configuration adds indexes and constraints meant for Python 3. */
const PIP_ENV = { PIP_CONFIG_FILE: os.devNull, PIP_NO_PYTHON_VERSION_WARNING: '1' };

/** The tarball: DEVDB_GEARBOX_SOURCE, else the shared fixture in a folder above the repository. */
async function findSource(env) {
  if (env.DEVDB_GEARBOX_SOURCE) {
    const file = path.resolve(env.DEVDB_GEARBOX_SOURCE);
    if (!(await fs.pathExists(file))) {
      throw new TestbedError(`DEVDB_GEARBOX_SOURCE names ${file}, which does not exist`, { exitCode: 2 });
    }
    return file;
  }
  const tried = [];
  for (let dir = path.dirname(REPO); ; dir = path.dirname(dir)) {
    const file = path.join(dir, FIXTURE, TARBALL);
    tried.push(file);
    if (await fs.pathExists(file)) return file;
    if (path.dirname(dir) === dir) break;
  }
  throw new TestbedError(
    `the gearbox testbed needs the fixture ${path.join('..', FIXTURE, TARBALL)}, which is missing (looked for ${tried.slice(0, 2).join(' and ')} and above); set DEVDB_GEARBOX_SOURCE to the tarball`,
    { exitCode: 2 },
  );
}

/** A Python 2.7: DEVDB_GEARBOX_PYTHON, else pyenv's 2.7.18, else python2.7 on PATH. */
async function findPython2(env) {
  const candidates = [];
  if (env.DEVDB_GEARBOX_PYTHON) candidates.push(env.DEVDB_GEARBOX_PYTHON);
  else {
    const pyenvRoot = env.PYENV_ROOT || path.join(os.homedir(), '.pyenv');
    candidates.push(path.join(pyenvRoot, 'versions', '2.7.18', 'bin', 'python'), 'python2.7');
  }
  const code = 'import json, os, platform, sys; print(json.dumps({"executable": os.path.realpath(sys.executable), "version": platform.python_version(), "major": sys.version_info[0], "minor": sys.version_info[1]}))';
  for (const python of candidates) {
    const r = await execa(python, ['-c', code], { env: CHILD_ENV, reject: false, stdin: 'ignore', timeout: 30_000 });
    if (r.exitCode !== 0) continue;
    const info = JSON.parse(r.stdout.trim().split('\n').pop());
    if (info.major === 2 && info.minor === 7) return info;
    if (env.DEVDB_GEARBOX_PYTHON) {
      throw new TestbedError(`DEVDB_GEARBOX_PYTHON (${python}) is Python ${info.version}; the gearbox testbed needs a Python 2.7`, { exitCode: 2 });
    }
  }
  throw new TestbedError(`the gearbox testbed needs a Python 2.7 and found none (tried ${candidates.join(', ')}); install one (pyenv install 2.7.18) or set DEVDB_GEARBOX_PYTHON`, { exitCode: 2 });
}

/** The tarball and the Python 2.7 the build would use; a TestbedError (exit code 2) names what is missing. */
export async function gearboxPrerequisites(env = process.env) {
  return { source: await findSource(env), python: (await findPython2(env)).executable };
}

function layout(dir, cacheDir, key) {
  const root = path.join(dir, 'kallithea');
  const venv = path.join(dir, 'venv');
  const bin = path.join(venv, 'bin');
  const gearboxCache = path.join(cacheDir, 'gearbox');
  return {
    dir, root, venv, bin,
    python: path.join(bin, 'python'),
    gearbox: path.join(bin, 'gearbox'),
    alembic: path.join(bin, 'alembic'),
    hg: path.join(bin, 'hg'),
    venvMarker: path.join(venv, 'devdb-testbed-venv.json'),
    devIni: path.join(root, 'development.ini'),
    devDb: path.join(root, 'kallithea.db'),
    repos: path.join(dir, 'repos'),
    json: path.join(dir, 'testbed.json'),
    cacheDir,
    gearboxCache,
    lock: path.join(gearboxCache, 'cache.lock'),
    virtualenv: path.join(gearboxCache, `virtualenv-${VIRTUALENV}`),
    wheelhouse: path.join(gearboxCache, 'wheelhouse'),
    wheelhouseMarker: path.join(gearboxCache, `wheelhouse-${key}.json`),
  };
}

/** Runs the cached virtualenv with this Python 2. */
const virtualenv = (ctx, py, L, target, what) => ctx.run(py.executable, ['-m', 'virtualenv', '--quiet', target], {
  env: { PYTHONPATH: L.virtualenv }, what,
});

const cacheReady = async (L) => (await fs.pathExists(path.join(L.virtualenv, 'virtualenv'))) && (await fs.pathExists(L.wheelhouseMarker));

/** virtualenv and the wheelhouse, built once per machine under the cache lock; only ever adds files. */
async function ensureCache(ctx, py, L, key) {
  if (await cacheReady(L)) return false;
  await ctx.withLock(py.executable, L.lock, `the gearbox testbed cache ${L.gearboxCache}`, async () => {
    if (await cacheReady(L)) return;
    const tmpRoot = path.join(L.cacheDir, 'tmp');
    await fs.ensureDir(tmpRoot);
    if (!(await fs.pathExists(path.join(L.virtualenv, 'virtualenv')))) {
      const t = Date.now();
      const tmp = await fs.mkdtemp(path.join(tmpRoot, 'virtualenv-'));
      await ctx.run(py.executable, ['-m', 'pip', 'install', '--quiet', '--target', tmp, `virtualenv==${VIRTUALENV}`], {
        env: PIP_ENV, what: `installing virtualenv ${VIRTUALENV} for Python 2.7 from PyPI`,
      });
      await fs.move(tmp, L.virtualenv);
      ctx.say(`cache: virtualenv ${VIRTUALENV} for Python 2.7`, Date.now() - t);
    }
    const t = Date.now();
    const tmp = await fs.mkdtemp(path.join(tmpRoot, 'gearbox-wheels-'));
    const builder = path.join(tmp, 'venv');
    await virtualenv(ctx, py, L, builder, 'creating a Python 2.7 virtualenv to build wheels in');
    // Kallithea itself is built too (pip wheel needs it to resolve); only its dependencies are kept.
    await ctx.run(path.join(builder, 'bin', 'python'), [
      '-m', 'pip', 'wheel', '--find-links', L.wheelhouse, '--wheel-dir', path.join(tmp, 'wheels'), '-c', CONSTRAINTS, L.root,
    ], { env: PIP_ENV, what: 'downloading and building the Python 2.7 wheels (a few minutes the first time)' });
    await fs.ensureDir(L.wheelhouse);
    let added = 0;
    for (const f of await fs.readdir(path.join(tmp, 'wheels'))) {
      const dest = path.join(L.wheelhouse, f);
      if (!f.endsWith('.whl') || /^Kallithea-/i.test(f) || (await fs.pathExists(dest))) continue;
      await fs.move(path.join(tmp, 'wheels', f), dest);
      added += 1;
    }
    await fs.remove(tmp);
    await fs.writeJson(L.wheelhouseMarker, { key, python: py.version, createdAt: new Date().toISOString() }, { spaces: 2 });
    ctx.say(`cache: wheelhouse has ${added} new Python 2.7 wheels`, Date.now() - t);
  });
  return true;
}

/** A Python 2.7 virtualenv with everything from the wheelhouse (offline) and Kallithea editable. */
async function ensureVenv(ctx, py, L, venvKey) {
  const marker = await readJson(L.venvMarker);
  if (marker?.key === venvKey && (await fs.pathExists(L.gearbox))) return false;
  const t = Date.now();
  await fs.remove(L.venv);
  await virtualenv(ctx, py, L, L.venv, 'creating the testbed virtualenv (Python 2.7)');
  await ctx.run(L.python, ['-m', 'pip', 'install', '--quiet', '--no-index', '--find-links', L.wheelhouse, '-c', CONSTRAINTS, '-e', L.root], {
    cwd: L.dir, env: PIP_ENV, what: 'the editable install of Kallithea into the testbed virtualenv (Python 2.7)',
  });
  // Byte-compiled once (*.pyc is git-ignored): later gearbox and alembic starts skip it.
  await ctx.run(L.python, ['-m', 'compileall', '-q', 'kallithea'], { cwd: L.root, what: 'byte-compiling the source tree' });
  await fs.writeJson(L.venvMarker, { key: venvKey, root: L.root }, { spaces: 2 });
  ctx.say('venv: Python 2.7 virtualenv from the wheelhouse, Kallithea installed editable', Date.now() - t);
  return true;
}

const VERSIONS = [
  'import json, platform, pkg_resources, kallithea',
  'v = lambda name: pkg_resources.get_distribution(name).version',
  'print(json.dumps({"kallithea": kallithea.__version__, "kallitheaFile": kallithea.__file__, "alembic": v("alembic"),',
  '  "sqlalchemy": v("SQLAlchemy"), "mercurial": v("mercurial"), "gearbox": v("gearbox"), "python": platform.python_version()}))',
].join('\n');

async function completeTestbed(L, venvKey) {
  const tb = await readJson(L.json);
  if (!tb || tb.schema !== SCHEMA || tb.dialect !== 'gearbox' || tb.venvKey !== venvKey) return null;
  if ((await readJson(L.venvMarker))?.key !== venvKey) return null;
  for (const p of [L.python, L.gearbox, L.alembic, L.devIni, L.devDb, path.join(L.root, '.git'), L.repos]) {
    if (!(await fs.pathExists(p))) return null;
  }
  return tb;
}

/**
 * Builds (or finishes, or just confirms) the gearbox-era testbed at dir and
 * returns its testbed.json.
 * @param {string} dirArg
 * @param {{quiet?: boolean, out?: NodeJS.WritableStream, cacheDir?: string, env?: NodeJS.ProcessEnv}} [opts]
 */
export async function buildGearboxTestbed(dirArg, opts = {}) {
  const env = opts.env ?? process.env;
  const source = await findSource(env);
  const py = await findPython2(env);
  const dir = path.resolve(dirArg);
  await fs.ensureDir(dir);
  const ctx = new Context({ dir, quiet: !!opts.quiet, out: opts.out ?? process.stdout });
  await ctx.log(`\n===== ${new Date().toISOString()} gearbox testbed build of ${dir} (pid ${process.pid})`);
  const cacheDir = opts.cacheDir ? path.resolve(opts.cacheDir) : defaultCacheDir(env);
  const constraints = await fs.readFile(CONSTRAINTS, 'utf8');
  const key = sha256(JSON.stringify({ recipe: RECIPE, constraints, tarball: TARBALL_SHA256, python: py.executable, version: py.version })).slice(0, 16);
  const L = layout(dir, cacheDir, key);
  const venvKey = sha256(JSON.stringify({ key, dir })).slice(0, 16);

  const done = await completeTestbed(L, venvKey);
  if (done) {
    ctx.say('already complete, nothing to do', Date.now() - ctx.t0);
    return done;
  }
  return ctx.withLock(py.executable, path.join(dir, '.testbed.lock'), `the testbed directory ${dir}`, async () => {
    const again = await completeTestbed(L, venvKey);
    if (again) return again;
    const previous = await readJson(L.json);
    ctx.say(`python ${py.version} (${py.executable}), source ${source}, cache ${L.gearboxCache}`);
    // The cache builds its wheels from the tree, so the tree comes first.
    const baseCommit = await ensureTree(ctx, L, {
      tarball: source,
      gitignore: GITIGNORE,
      message: `Kallithea ${CHANGESET} (gearbox era) with devdb testbed .gitignore`,
      check: async () => {
        if (sha256(await fs.readFile(source)) !== TARBALL_SHA256) {
          throw new TestbedError(`${source} is not the fixture's tarball (its sha256 is not ${TARBALL_SHA256})`, { exitCode: 2 });
        }
      },
    });
    let t = Date.now();
    if (!(await ensureCache(ctx, py, L, key))) ctx.say('cache: Python 2.7 wheelhouse reused', Date.now() - t);
    await ensureVenv(ctx, py, L, venvKey);
    // Through the interpreter: a #! line cannot hold a path with a space.
    await ensureSampleRepos(ctx, L, [L.python, L.hg]);

    t = Date.now();
    if (previous && (await fs.pathExists(L.devDb))) {
      ctx.say('database: kept the existing kallithea.db');
    } else {
      for (const f of [L.devDb, `${L.devDb}-journal`]) await fs.remove(f);
      // The seed's own commands, spelled as its page spells them.
      await ctx.run(L.python, [L.gearbox, 'setup-db', '-c', 'development.ini', `--repos=${L.repos}`, `--user=${ADMIN.user}`,
        '--email', ADMIN.email, `--password=${ADMIN.password}`, '--no-public-access', '--force-yes'], { cwd: L.root, what: 'gearbox setup-db' });
      await ctx.run(L.python, [L.gearbox, 'repo-scan', '-c', 'development.ini'], { cwd: L.root, what: 'gearbox repo-scan' });
      ctx.say('database: gearbox setup-db and repo-scan', Date.now() - t);
    }

    t = Date.now();
    const alembicRun = (cmd) => ctx.run(L.python, [L.alembic, '-c', 'development.ini', cmd], { cwd: L.root, what: `alembic ${cmd}` });
    const [headsR, currentR, infoR] = await Promise.all([
      alembicRun('heads'),
      alembicRun('current'),
      ctx.run(L.python, ['-c', VERSIONS], { cwd: L.dir, what: 'reading versions from the testbed virtualenv' }),
    ]);
    const heads = parseRevisions(headsR.stdout);
    const current = parseRevisions(currentR.stdout);
    if (heads.length !== 1) throw new TestbedError(`alembic heads should name exactly one head, it printed: ${headsR.stdout.trim() || '(nothing)'}`);
    if (current.join() !== heads.join()) {
      if (!previous) throw new TestbedError(`after setup-db, alembic current (${current.join(', ') || 'none'}) is not the head (${heads[0]})`);
      ctx.say(`warning: the kept kallithea.db is at ${current.join(', ') || 'no revision'}, not at the head ${heads[0]}`);
    }
    const info = JSON.parse(infoR.stdout.trim().split('\n').pop());
    if (!path.resolve(info.kallitheaFile).startsWith((await fs.realpath(L.root)) + path.sep)) {
      throw new TestbedError(`the testbed python imports kallithea from ${info.kallitheaFile}, not from the source tree ${L.root}`);
    }
    const status = await ctx.run('git', ['-C', L.root, 'status', '--porcelain'], { what: 'git status of the source tree' });
    if (status.stdout.trim() && !previous) {
      throw new TestbedError(`git status of ${L.root} is not clean after setup-db: ${status.stdout.trim().split('\n').slice(0, 3).join('; ')}`);
    }
    ctx.say(`checked: alembic current = head ${heads[0]}, kallithea imported from the tree`, Date.now() - t);

    const tb = {
      schema: SCHEMA,
      dialect: 'gearbox',
      dir: L.dir,
      root: L.root,
      python: L.python,
      devIni: L.devIni,
      venv: L.venv,
      bin: L.bin,
      gearbox: L.gearbox,
      alembic: L.alembic,
      devDb: L.devDb,
      sqlalchemyUrl: `sqlite:///${L.devDb}?timeout=60`,
      repos: L.repos,
      sampleRepos: [SAMPLE_GIT, SAMPLE_HG],
      adminUser: ADMIN.user,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      kallitheaVersion: info.kallithea,
      changeset: CHANGESET,
      gearboxVersion: info.gearbox,
      alembicVersion: info.alembic,
      sqlalchemyVersion: info.sqlalchemy,
      mercurialVersion: info.mercurial,
      pythonVersion: info.python,
      head: heads[0],
      baseCommit,
      venvKey,
      source,
      cache: { dir: L.cacheDir, key, wheelhouse: L.wheelhouse, virtualenv: L.virtualenv },
      createdAt: previous?.createdAt ?? new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    return writeTestbedJson(L.json, tb);
  });
}
