// The peer pairs of `npm run bench`: devdb verify against pytest-alembic's four default
// tests (test_single_head_revision, test_upgrade, test_model_definitions_match_ddl,
// test_up_down_consistency) on the small Alembic project of scripts/alembic-project.mjs,
// with the same draft migration in place; and devdb verify --all against pytest-alembic's
// test_up_down_consistency and test_upgrade on a chain of revisions. pytest-alembic is configured as its
// documentation says: an `alembic_engine` fixture in conftest.py, and an env.py that
// uses the engine pytest-alembic hands it through `config.attributes["connection"]`.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';
import { addChain } from './chain.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PINS = ['alembic==1.20.1', 'SQLAlchemy==2.0.58', 'pytest==8.4.2', 'pytest-alembic==0.13.1'];

const cacheDir = () =>
  process.env.DEVDB_TESTBED_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'devdb-testbed');

/** A virtualenv with pytest-alembic and the same Alembic and SQLAlchemy as the project's, made once. */
async function peerVenv() {
  const venv = path.join(cacheDir(), `bench-peer-${PINS.join('_').replace(/[^\w.]+/g, '-')}`);
  const done = path.join(venv, '.devdb-complete');
  if (await fs.pathExists(done)) return venv;
  await fs.remove(venv);
  await execa('python3', ['-m', 'venv', venv], { timeout: 120_000 });
  await execa(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PINS], { timeout: 600_000 });
  await fs.writeFile(done, '');
  return venv;
}

const CONFTEST = `import pytest
from sqlalchemy import create_engine


@pytest.fixture
def alembic_engine(tmp_path):
    return create_engine(f"sqlite:///{tmp_path}/pytest-alembic.db")
`;

const ONLINE = `def run_migrations_online() -> None:
    # pytest-alembic hands over its own engine; any other caller builds one from the INI.
    connectable = context.config.attributes.get("connection", None)
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )

    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():`;

/**
 * The small project set up for both sides: with `chain`, a chain of that many committed
 * revisions (scripts/bench/chain.mjs) and no draft; without, a draft adding a nullable column.
 */
export async function peerProject(dir, devdb, { chain } = {}) {
  const venv = await peerVenv();
  await execa('node', [path.join(repo, 'scripts', 'alembic-project.mjs'), dir]);
  const project = await fs.readJson(path.join(dir, 'project.json'));
  const envPy = path.join(dir, 'migrations', 'env.py');
  const env = await fs.readFile(envPy, 'utf8');
  const start = env.indexOf('def run_migrations_online()');
  const end = env.indexOf('if context.is_offline_mode():');
  if (start < 0 || end < 0) throw new Error(`bench: ${envPy} is not the env.py alembic init writes`);
  await fs.writeFile(envPy, env.slice(0, start) + ONLINE + env.slice(end + 'if context.is_offline_mode():'.length));
  // pytest-alembic attaches its tests to tests/conftest.py (its pytest_alembic_tests_path default).
  await fs.outputFile(path.join(dir, 'tests', 'conftest.py'), CONFTEST);
  const opts = { cwd: dir, env: { NO_COLOR: '1' } };
  const models = path.join(dir, 'app', 'models.py');
  if (chain) await addChain(dir, chain);
  else await fs.writeFile(models, (await fs.readFile(models, 'utf8')).replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    bench_note = Column(String(40))\n'));
  await devdb(['init', '--yes', '--preset', 'alembic', '--python', project.python], opts);
  if (chain) {
    const git = (...args) => execa('git', args, { cwd: dir });
    await git('add', '-A');
    await git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', `a chain of ${chain}`);
  } else {
    await devdb(['cycle', '--no-apply', '-m', 'bench peer note'], opts);
  }
  return { dir, python: path.join(venv, 'bin', 'python'), projectPython: project.python, opts };
}
