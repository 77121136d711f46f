// What the Alembic projects the tests build share (scripts/alembic-project.mjs,
// scripts/alembic-layouts.mjs): their small models, and the virtualenv with Alembic and
// SQLAlchemy, made once and kept in the testbed cache (DEVDB_TESTBED_CACHE, default
// ~/.cache/devdb-testbed).
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';

/** Users and their notes, with a foreign key between them. */
export const MODELS = `from sqlalchemy import Column, ForeignKey, Integer, String
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

const REQUIREMENTS = ['alembic==1.20.1', 'SQLAlchemy==2.0.58'];

const cacheDir = () =>
  process.env.DEVDB_TESTBED_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'devdb-testbed');

/** The shared virtualenv, made once under a lock; it counts only once its marker is written. */
export async function sharedVenv() {
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
