import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { CONFIG_FILE, findConfig, localConfigFile, projectRoot } from './files.js';
import { memoKey, recall, remember } from './remembered.js';
import type { DevdbConfig } from './schema.js';

/** The config file found for a run, and the project root it names. */
export interface LoadedConfig {
  file: string;
  root: string;
  config: DevdbConfig;
}

/**
 * devdb's one config loader: devdb.json (`explicit`, else the nearest above `cwd`) with
 * devdb.local.json beside it, validated (config/validate.ts) whenever their bytes or the
 * schema changed, and otherwise as a run in this project last validated them, so
 * that most runs load no schema.
 */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : findConfig(cwd);
  if (!file) {
    throw usageError(`No ${CONFIG_FILE} in ${cwd} or any folder above it; run "devdb init" in the project root first.`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw usageError(`The config ${file} cannot be read (${(error as NodeJS.ErrnoException).code}); check the path and its permissions.`);
  }
  const localFile = localConfigFile(file);
  const local = await readFile(localFile).catch(() => undefined);
  const root = projectRoot(file);
  const key = await memoKey(bytes, local);
  const remembered = key && (await recall(root, key, bytes, local));
  if (remembered) return { file, root, config: withServersFromEnv(remembered) };
  const { validateConfigFiles } = await import('./validate.js');
  const config = validateConfigFiles({ file, bytes, ...(local ? { local: { file: localFile, bytes: local } } : {}) });
  if (key) await remember(root, config, key);
  return { file, root, config: withServersFromEnv(config) };
}

/** Server variables a CI job sets, for its own service containers; they win over the servers devdb.json names. */
const SERVER_ENV = { postgres: 'DEVDB_POSTGRES_URL', mysql: 'DEVDB_MYSQL_URL' } as const;

function withServersFromEnv(config: DevdbConfig): DevdbConfig {
  const given = Object.entries(SERVER_ENV).filter(([, variable]) => process.env[variable]);
  if (given.length === 0) return config;
  return { ...config, servers: { ...config.servers, ...Object.fromEntries(given.map(([engine, variable]) => [engine, process.env[variable]])) } };
}
