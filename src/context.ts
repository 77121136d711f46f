import path from 'node:path';
import fs from 'fs-extra';
import { readIni, iniValue, interpolate, type IniFile } from './config/ini-read.js';
import { loadConfig } from './config/load.js';
import type { DevdbConfig } from './config/schema.js';
import { databaseName, explicitScheme, serverTarget } from './engines/targets.js';
import { parseDatabaseUrl, type DatabaseTarget } from './engines/url.js';
import type { EngineName } from './schema/model.js';
import { usageError } from './errors.js';
import type { Admin } from './presets/command.js';
import { presetFor } from './presets/index.js';
import { driverScheme } from './python/drivers.js';
import type { Preset } from './presets/preset.js';
import { assertThrowawayInside } from './config/paths.js';
import { pythonAndAlembicDir, requireTool } from './python/locate.js';
import { checkPythonVersion, pythonVersion } from './python/version.js';

/** Flags every command shares. */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
  verbose?: boolean;
  debug?: boolean;
  /** cycle, verify, apply: an upgrade may drop columns and tables that hold data. */
  acceptDataLoss?: boolean;
}

/** Flags of the commands that make throwaway databases: which engine to make them on. */
export interface EngineOptions {
  engine?: EngineName;
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
  /** Where Alembic runs: the development INI's folder, as `alembic` is run beside its alembic.ini, so relative paths in the INI mean what they mean to the user. */
  alembicDir: string;
  devDb: DatabaseTarget;
  /** The engine this run's throwaway databases live on. */
  engine: EngineName;
  throwawayIni: string;
  throwawayDb: DatabaseTarget;
  /** A server target for another database devdb owns on the same server (base, snapshots); undefined for SQLite. */
  serverDatabase?: (role: string) => DatabaseTarget;
  repos: string;
  /** Undefined only in a dry run without a password. */
  admin: Admin | undefined;
  /** Values never to print: the admin password. */
  secrets: string[];
  verbose: boolean;
  /** --accept-data-loss: data an upgrade drops is reported, not a failure. */
  acceptDataLoss?: boolean;
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

/** The development database devdb.json names ("devDb"): a URL, or a SQLite file relative to the root. */
export function developmentTarget(value: string, root: string, where: string): DatabaseTarget {
  return value.includes('://') ? parseDatabaseUrl(value, root, where) : throwawayTarget(value, root);
}

/** The SQLite throwaway database devdb.json names (or any SQLite file it names), relative to the root. */
export function throwawayTarget(value: string, root: string): DatabaseTarget {
  const file = path.resolve(root, value);
  return { engine: 'sqlite', url: `sqlite:///${file}`, file };
}

/** The configured engine keeps the configured throwaway INI; another engine gets its own beside it (temp.postgres.ini). */
function throwawayIniFor(config: DevdbConfig, root: string, engine: EngineName): string {
  const ini = path.resolve(root, config.throwawayIni);
  if (engine === config.engine) return ini;
  const ext = path.extname(ini);
  return path.join(path.dirname(ini), `${path.basename(ini, ext)}.${engine}${ext}`);
}

/** The throwaway database on `engine`, and how to name devdb's other databases on its server. */
async function throwawayOn(engine: EngineName, config: DevdbConfig, file: string, root: string, python: string): Promise<Pick<Context, 'throwawayDb' | 'serverDatabase'>> {
  if (engine === 'sqlite') return { throwawayDb: throwawayTarget(config.throwawayDb, root) };
  const server = config.servers[engine];
  if (!server) {
    throw usageError(`No ${engine} server is configured in ${file}; add one with "devdb init --yes --force --engine ${engine} --server-url URL".`);
  }
  const scheme = explicitScheme(server) ?? (await driverScheme(python, engine));
  const serverDatabase = (role: string): DatabaseTarget => serverTarget(engine, server, databaseName(root, role), scheme);
  return { throwawayDb: serverDatabase('temp'), serverDatabase };
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
export async function loadContext(options: GlobalOptions & EngineOptions, { needPassword }: { needPassword: boolean }): Promise<Context> {
  const { file, root, config } = await loadConfig(options.config, process.cwd());
  const preset = presetFor(config);
  preset.checkSource?.(root);
  const { python, alembicDir } = pythonAndAlembicDir(config, root);
  checkPythonVersion(python, await pythonVersion(python), preset.name);
  for (const tool of preset.tools) requireTool(python, tool, preset.name);
  const devIni = path.resolve(root, config.devIni);
  const engine = options.engine ?? config.engine;
  const throwawayIni = throwawayIniFor(config, root, engine);
  if (devIni === throwawayIni) {
    throw usageError(`"throwawayIni" and "devIni" in ${file} are the same file ${devIni}; give the throwaway its own INI, such as temp.ini.`);
  }
  const iniDb = databaseOf(await readIni(devIni, 'development INI'), preset, alembicDir);
  const devDb = config.devDb ? developmentTarget(config.devDb, root, `"devDb" in ${file}`) : iniDb;
  if (!devDb) {
    throw usageError(`The development INI ${devIni} sets no sqlalchemy.url in ${preset.urlSections.map((s) => `[${s}]`).join(' or ')}; add the development database's URL there, or name it with "devdb init --yes --force --dev-db URL".`);
  }
  const password = process.env[PASSWORD_ENV] || config.admin.password;
  if (preset.needsAdmin && !password && needPassword) {
    throw usageError(`No admin password for setup-db: set ${PASSWORD_ENV}, or store one in ${file} with "devdb init --yes --force --store-password".`);
  }
  const throwaway = await throwawayOn(engine, config, file, root, python);
  assertThrowawayInside(root, file, config, throwaway.throwawayDb, throwawayIni, devIni);
  if (typeof config.seed === 'string' && !(await fs.pathExists(path.resolve(root, config.seed)))) {
    throw usageError(`The seed file ${config.seed} named by "seed" in ${file} does not exist; fix the path (relative to the project root) or remove "seed".`);
  }
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
    alembicDir,
    devDb,
    engine,
    throwawayIni,
    ...throwaway,
    repos,
    admin: password ? { user: config.admin.user, email: config.admin.email, password } : undefined,
    secrets: password ? [password] : [],
    verbose: options.verbose ?? false,
    acceptDataLoss: options.acceptDataLoss ?? false,
  };
}
