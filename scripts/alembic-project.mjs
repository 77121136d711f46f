#!/usr/bin/env node
// Builds a small, real Alembic project at <dir> for devdb's generic preset:
// SQLAlchemy models in app/models.py, `alembic init migrations`, one initial
// migration, a development database at head, and one git commit.
//
//   node scripts/alembic-project.mjs <dir>
//
// The virtualenv with Alembic and SQLAlchemy is shared between projects and kept
// in the testbed cache (DEVDB_TESTBED_CACHE, default ~/.cache/devdb-testbed).
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';

const REQUIREMENTS = ['alembic==1.20.1', 'SQLAlchemy==2.0.58'];

const MODELS = `from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, unique=True)


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    body = Column(String(200))
`;

const cacheDir = () =>
  process.env.DEVDB_TESTBED_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'devdb-testbed');

/** The shared virtualenv, made once under a lock; it counts only once its marker is written. */
async function sharedVenv() {
  const venv = path.join(cacheDir(), `alembic-venv-${REQUIREMENTS.join('_').replace(/[^\w.]+/g, '-')}`);
  const done = path.join(venv, '.devdb-complete');
  const lock = `${venv}.lock`;
  await fs.ensureDir(cacheDir());
  for (;;) {
    if (await fs.pathExists(done)) return venv;
    try {
      await fs.mkdir(lock);
    } catch {
      const age = Date.now() - (await fs.stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 600_000) await fs.remove(lock);
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      await fs.remove(venv);
      await execa('python3', ['-m', 'venv', venv]);
      await execa(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...REQUIREMENTS]);
      await fs.writeFile(done, '');
      return venv;
    } finally {
      await fs.remove(lock);
    }
  }
}

async function main() {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/alembic-project.mjs <dir>');
    process.exit(2);
  }
  const root = path.resolve(dir);
  const info = path.join(root, 'project.json');
  if (await fs.pathExists(info)) {
    console.log(`alembic project: ${root} is ready`);
    return;
  }
  const venv = await sharedVenv();
  const python = path.join(venv, 'bin', 'python');
  const alembic = path.join(venv, 'bin', 'alembic');
  await fs.ensureDir(path.join(root, 'app'));
  await fs.writeFile(path.join(root, 'app', '__init__.py'), '');
  await fs.writeFile(path.join(root, 'app', 'models.py'), MODELS);
  await fs.remove(path.join(root, 'migrations'));
  await execa(alembic, ['init', 'migrations'], { cwd: root });
  const envPy = path.join(root, 'migrations', 'env.py');
  const env = await fs.readFile(envPy, 'utf8');
  await fs.writeFile(envPy, env.replace('target_metadata = None', 'from app.models import Base\ntarget_metadata = Base.metadata'));
  const iniFile = path.join(root, 'alembic.ini');
  const ini = await fs.readFile(iniFile, 'utf8');
  await fs.writeFile(iniFile, ini.replace('sqlalchemy.url = driver://user:pass@localhost/dbname', 'sqlalchemy.url = sqlite:///%(here)s/dev.db'));
  await execa(alembic, ['-c', 'alembic.ini', 'revision', '--autogenerate', '-m', 'initial tables', '--rev-id', '0001'], { cwd: root });
  await execa(alembic, ['-c', 'alembic.ini', 'upgrade', 'head'], { cwd: root });
  await fs.writeFile(path.join(root, '.gitignore'), '*.db\n__pycache__/\n');
  const git = (...args) => execa('git', args, { cwd: root });
  await git('init', '-q');
  await git('add', '-A');
  await git('-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', 'commit', '-q', '-m', 'initial');
  await fs.writeJson(info, { root, python, devIni: iniFile, devDb: path.join(root, 'dev.db') }, { spaces: 2 });
  console.log(`alembic project: ${root} is ready`);
}

main().catch((error) => {
  console.error(`alembic project: ${error.shortMessage ?? error.message}`);
  process.exit(1);
});
