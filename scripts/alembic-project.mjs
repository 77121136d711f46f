#!/usr/bin/env node
// Builds a small, real Alembic project at <dir> for devdb's generic preset:
// SQLAlchemy models in app/models.py, `alembic init migrations`, one initial
// migration, a development database at head, and one git commit.
//
//   node scripts/alembic-project.mjs <dir>
//
// The virtualenv with Alembic and SQLAlchemy is shared between projects
// (scripts/alembic-common.mjs).
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';
import { fileURLToPath } from 'node:url';
import { fromTemplate, MODELS, sharedVenv } from './alembic-common.mjs';


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
  if (await fromTemplate(fileURLToPath(import.meta.url), root)) {
    console.log(`alembic project: ${root} is ready (a copy of the template)`);
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
