import path from 'node:path';
import fs from 'fs-extra';
import { readIni, iniValue, interpolate, type IniFile } from './config/ini-read.js';
import { loadConfig } from './config/load.js';
import type { DevdbConfig } from './config/schema.js';
import { parseDatabaseUrl, type DatabaseTarget } from './engines/url.js';
import { usageError } from './errors.js';
import type { Admin, Preset } from './presets/command.js';
import { presetFor } from './presets/index.js';
import { checkKallitheaVersion } from './presets/kallithea-version.js';
import { assertThrowawayInside } from './paths.js';
import { checkPython, requireTool } from './python/locate.js';

/** Flags every command shares. */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
  verbose?: boolean;
  debug?: boolean;
}

/** Everything a run needs, resolved once from the config; steps read it and never re-read config. */
export interface Context {
  root: string;
  configFile: string;
  config: DevdbConfig;
  preset: Preset;
  python: string;
  /** .devdb/ in the project root: ownership records, snapshots, backups. */
  stateDir: string;
  devIni: string;
  devDb: DatabaseTarget;
  throwawayIni: string;
  throwawayDb: DatabaseTarget;
  repos: string;
  /** Undefined only in a dry run without a password. */
  admin: Admin | undefined;
  /** Values never to print: the admin password. */
  secrets: string[];
  verbose: boolean;
}

export const PASSWORD_ENV = 'DEVDB_ADMIN_PASSWORD';

/** The database URL an INI gives the Alembic env: the first of the preset's sections that sets sqlalchemy.url. */
export function databaseOf(ini: IniFile, preset: Preset, cwd: string): DatabaseTarget | undefined {
  for (const section of preset.urlSections) {
    const value = iniValue(ini, section, 'sqlalchemy.url');
    if (value !== undefined) return parseDatabaseUrl(interpolate(ini, section, value), cwd, `[${section}] of ${ini.path}`);
  }
  return undefined;
}

/** A throwaway database as devdb.json gives it: a SQLite path relative to the root, or a URL. */
export function throwawayTarget(value: string, root: string): DatabaseTarget {
  if (value.includes('://')) return parseDatabaseUrl(value, root, 'devdb.json "throwawayDb"');
  const file = path.resolve(root, value);
  return { engine: 'sqlite', url: `sqlite:///${file}`, file };
}

/** The repositories folder must exist and be writable before setup-db is asked to use it. */
async function checkRepos(repos: string): Promise<void> {
  const stat = await fs.stat(repos).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw usageError(`The repositories folder ${repos} does not exist; create it (mkdir -p) or set "repos" in devdb.json.`);
  }
  try {
    await fs.access(repos, fs.constants.W_OK);
  } catch {
    throw usageError(`The repositories folder ${repos} is not writable; fix its permissions or set "repos" in devdb.json.`);
  }
}

/** Loads config, preset, Python and both databases; fails early with a sentence that says what to fix. */
export async function loadContext(options: GlobalOptions, { needPassword }: { needPassword: boolean }): Promise<Context> {
  const { file, root, config } = await loadConfig(options.config, process.cwd());
  const preset = presetFor(config);
  checkKallitheaVersion(config.preset, root);
  const python = checkPython(config.python, root);
  for (const tool of preset.tools) requireTool(python, tool, preset.name);
  const devIni = path.resolve(root, config.devIni);
  const throwawayIni = path.resolve(root, config.throwawayIni);
  if (devIni === throwawayIni) {
    throw usageError(`"throwawayIni" and "devIni" in ${file} are the same file ${devIni}; give the throwaway its own INI, such as temp.ini.`);
  }
  const devDb = databaseOf(await readIni(devIni, 'development INI'), preset, root);
  if (!devDb) {
    throw usageError(`The development INI ${devIni} sets no sqlalchemy.url in ${preset.urlSections.map((s) => `[${s}]`).join(' or ')}; add the development database's URL there.`);
  }
  const password = process.env[PASSWORD_ENV] || config.admin.password;
  if (preset.needsAdmin && !password && needPassword) {
    throw usageError(`No admin password for setup-db: set ${PASSWORD_ENV}, or store one in ${file} with "devdb init --yes --force --store-password".`);
  }
  const throwawayDb = throwawayTarget(config.throwawayDb, root);
  assertThrowawayInside(root, file, config, throwawayDb, throwawayIni, devIni);
  const repos = path.resolve(root, config.repos);
  if (preset.needsAdmin && needPassword) await checkRepos(repos);
  return {
    root,
    configFile: file,
    config,
    preset,
    python,
    stateDir: path.join(root, '.devdb'),
    devIni,
    devDb,
    throwawayIni,
    throwawayDb,
    repos,
    admin: password ? { user: config.admin.user, email: config.admin.email, password } : undefined,
    secrets: password ? [password] : [],
    verbose: options.verbose ?? false,
  };
}
