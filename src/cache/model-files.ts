import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceFile } from '../config/replace-file.js';
import type { DevdbConfig } from '../config/schema.js';
import { DevdbError, EXIT } from '../errors.js';
import { presetNamed } from '../presets/index.js';
import { runCommand, withoutRerunAdvice } from '../python/run.js';
import { globFiles, hashFiles } from './files.js';

// The model files of an Alembic project are whatever defines the env's target_metadata,
// wherever the project keeps it (orm.py, app/db/*.py, models/__init__.py …). Finding them
// imports the project, so the answer is remembered in .devdb/cache/models.json and found
// again only when one of those files, env.py or the development INI changed: a new model
// module can only come in through an import in one of them.

const HELPER = fileURLToPath(new URL('../../templates/model_files.py', import.meta.url));

/** What finding the model files needs: the project, its Python (resolved) and the development INI (absolute). */
export interface ModelProject {
  root: string;
  config: Pick<DevdbConfig, 'preset' | 'models'>;
  python: string;
  devIni: string;
}

export interface ModelFiles {
  /** Root-relative, '/'-separated. */
  models: string[];
  /** The env.py that imports them (alembic preset, when found from target_metadata). */
  env?: string;
}

interface Found extends Required<ModelFiles> {
  key: string;
}

const recordFile = (root: string): string => path.join(root, '.devdb', 'cache', 'models.json');

const keyOf = (project: ModelProject, found: Required<ModelFiles>): Promise<string> =>
  hashFiles('/', [HELPER, project.devIni, ...[...found.models, found.env].map((file) => path.join(project.root, file))]);

/** The model files: the globs of "models" in devdb.json, else the preset's globs, or (a preset whose models are the env's) those that define the env's target_metadata. */
export async function modelFiles(project: ModelProject): Promise<ModelFiles> {
  const { config, root } = project;
  const preset = presetNamed(config.preset);
  if (config.models || !preset.modelsFromEnv) return { models: await globFiles(root, config.models ?? preset.models) };
  const known = JSON.parse(await readFile(recordFile(root), 'utf8').catch(() => 'null')) as Found | null;
  if (known && known.key === (await keyOf(project, known))) return { models: known.models, env: known.env };
  const found = await findModelFiles(project);
  await remember(root, { ...found, key: await keyOf(project, found) });
  return found;
}

/** Runs templates/model_files.py: env.py offline, so no database is opened, from the INI's folder, as developers run alembic. */
async function findModelFiles(project: ModelProject): Promise<Required<ModelFiles>> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'devdb-models-'));
  const out = path.join(scratch, 'models.json');
  try {
    await runCommand({ tool: project.python, args: [HELPER, project.devIni, project.root, out] }, { cwd: path.dirname(project.devIni), executable: project.python, secrets: [], step: 'finding the model files' });
    return JSON.parse(await readFile(out, 'utf8')) as Required<ModelFiles>;
  } catch (error) {
    if (!(error instanceof DevdbError) || error.exitCode !== EXIT.failed) throw error;
    throw new DevdbError(
      `devdb could not find the model files from the target_metadata of env.py (${withoutRerunAdvice(error.message).replace(/^finding the model files failed: /, '')}); fix env.py, or list the model files as "models" globs in devdb.json.`,
      { exitCode: EXIT.usage, detail: error.detail },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function remember(root: string, found: Found): Promise<void> {
  // Only where devdb keeps state already: a first devdb check in a clone creates nothing.
  if (!existsSync(path.join(root, '.devdb'))) return;
  try {
    await mkdir(path.dirname(recordFile(root)), { recursive: true });
    await replaceFile(recordFile(root), JSON.stringify(found));
  } catch {
    // A read-only project finds them every time.
  }
}
