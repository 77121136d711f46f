import path from 'node:path';
import { databaseOf, developmentTarget, type GlobalOptions } from './context.js';
import type { DatabaseTarget } from './engines/url.js';
import { usageError } from './errors.js';
import { presetFor } from './presets/index.js';
import type { Preset } from './presets/preset.js';
import { readIni } from './config/ini-read.js';
import { loadConfig } from './config/load.js';
import type { DevdbConfig } from './config/schema.js';

/** What status, graph and the checkout hook read of the project: the config and the development database, without Python or tool checks. */
export interface Project {
  file: string;
  root: string;
  config: DevdbConfig;
  preset: Preset;
  devIni: string;
  devDb: DatabaseTarget;
  stateDir: string;
}

/** Reads the project the way loadContext does, minus everything that needs Python, a password or a server. */
export async function readProject(options: GlobalOptions): Promise<Project> {
  const { file, root, config } = await loadConfig(options.config, process.cwd());
  const preset = presetFor(config);
  const devIni = path.resolve(root, config.devIni);
  const devDb = config.devDb ? developmentTarget(config.devDb, root, `"devDb" in ${file}`) : databaseOf(await readIni(devIni, 'development INI'), preset, path.dirname(devIni));
  if (!devDb) throw usageError(`The development INI ${devIni} sets no sqlalchemy.url in ${preset.urlSections.map((s) => `[${s}]`).join(' or ')}; add the development database's URL there, or name it with "devdb init --yes --force --dev-db URL".`);
  return { file, root, config, preset, devIni, devDb, stateDir: path.join(root, '.devdb') };
}
