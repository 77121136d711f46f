// What the Alembic projects the tests build share (scripts/alembic-project.mjs,
// scripts/alembic-layouts.mjs): their small models, and the virtualenv with Alembic and
// SQLAlchemy, made once and kept in the testbed cache (DEVDB_TESTBED_CACHE, default
// ~/.cache/devdb-testbed).
import crypto from 'node:crypto';
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

/**
 * Makes `root` a copy of a template project built once by `script` (its own source and
 * this file's are the template's key), instead of running `alembic init`, autogenerate,
 * upgrade and git again: the suite makes some forty of these. Every path in the project
 * is relative (%(here)s) except project.json, which is rewritten. False when `root`
 * already has content or DEVDB_ALEMBIC_TEMPLATE=off: the caller builds it itself.
 */
export async function fromTemplate(script, root, args = []) {
  if (process.env.DEVDB_ALEMBIC_TEMPLATE === 'off' || (await fs.pathExists(root))) return false;
  const sources = await Promise.all([script, new URL(import.meta.url).pathname].map((file) => fs.readFile(file, 'utf8')));
  const key = crypto.createHash('sha256').update(JSON.stringify([sources, args])).digest('hex').slice(0, 16);
  const template = path.join(cacheDir(), 'alembic-templates', key, 'project');
  const info = path.join(template, 'project.json');
  const lock = `${path.dirname(template)}.lock`;
  await fs.ensureDir(path.dirname(lock));
  while (!(await fs.pathExists(info))) {
    try {
      await fs.mkdir(lock);
    } catch {
      // A builder killed part-way leaves its lock: older than any build takes, it is taken over.
      const age = Date.now() - (await fs.stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 600_000) await fs.remove(lock);
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!(await fs.pathExists(info))) {
        await fs.remove(template);
        await execa('node', [script, ...args, template], { env: { DEVDB_ALEMBIC_TEMPLATE: 'off' }, timeout: 600_000 });
      }
    } finally {
      await fs.remove(lock);
    }
  }
  await fs.ensureDir(path.dirname(root));
  await execa('cp', ['-a', template, root]);
  const project = await fs.readJson(info);
  const moved = Object.fromEntries(Object.entries(project).map(([name, value]) => [name, typeof value === 'string' ? value.split(template).join(root) : value]));
  await fs.writeJson(path.join(root, 'project.json'), moved, { spaces: 2 });
  return true;
}
