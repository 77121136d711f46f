import path from 'node:path';
import fs from 'fs-extra';
import { detectDevIni, detectPreset } from '../config/detect.js';
import { mergeLocal, splitPortable, writeLocal } from '../config/local.js';
import { CONFIG_FILE, LOCAL_CONFIG_FILE } from '../config/files.js';
import type { DevdbConfig, DevdbConfigInput } from '../config/schema.js';
import type { EngineName, ServerEngine } from '../schema/model.js';
import { validateConfig } from '../config/validate.js';
import { developmentTarget, PASSWORD_ENV, throwawayTarget } from '../context.js';
import { sameDatabase } from '../engines/url.js';
import { EXIT, usageError } from '../errors.js';
import { presetFor, type PresetName } from '../presets/index.js';
import { readRevisions } from '../python/alembic.js';
import { addIgnores, throwawayPatterns } from '../vcs/ignore.js';
import { detectVcs } from '../vcs/index.js';
import { checkPython, detectPython, requireTool } from '../python/locate.js';
import type { Outcome } from '../report/output.js';

export interface InitOptions {
  yes?: boolean;
  force?: boolean;
  preset?: PresetName;
  python?: string;
  devIni?: string;
  devDb?: string;
  throwawayIni?: string;
  throwawayDb?: string;
  adminUser?: string;
  adminEmail?: string;
  storePassword?: boolean;
  repos?: string;
  publicAccess?: boolean;
  setupCommand?: string[];
  setup?: 'migrations' | 'models';
  models?: string[];
  engine?: EngineName;
  serverUrl?: string[];
}

/** The engine a server URL's scheme names: postgresql:// and postgres://, mysql:// and mariadb://. */
function serverEngine(url: string): ServerEngine {
  if (/^postgres(ql)?(\+\w+)?:\/\//i.test(url)) return 'postgres';
  if (/^(mysql|mariadb)(\+\w+)?:\/\//i.test(url)) return 'mysql';
  throw usageError(`The server URL "${url}" has an unknown scheme; use postgresql://user@host:5432/postgres or mysql://user@host:3306/.`);
}

/** --server-url values as devdb.json's "servers", one per engine. */
function serversFrom(urls: string[] = []): Partial<Record<ServerEngine, string>> {
  const servers: Partial<Record<ServerEngine, string>> = {};
  for (const url of urls) {
    const engine = serverEngine(url);
    if (servers[engine]) throw usageError(`--server-url is given twice for ${engine}; give one URL per engine.`);
    servers[engine] = url;
  }
  return servers;
}

/** A path as stored in devdb.json: relative to the root when inside it. */
const stored = (root: string, file: string): string => {
  const relative = path.relative(root, path.resolve(root, file));
  return relative.startsWith('..') && path.isAbsolute(file) ? file : relative || '.';
};

/**
 * `devdb init --yes`: writes devdb.json in the current folder from what can be
 * detected (preset, Python, development INI) and the flags given, and never
 * overwrites an existing config without --force.
 */
export async function init(options: InitOptions): Promise<Outcome> {
  const root = process.cwd();
  const file = path.join(root, CONFIG_FILE);
  if (fs.existsSync(file) && !options.force) {
    throw usageError(`${file} exists already; pass --force to replace it.`);
  }
  const python = options.python ?? detectPython(root);
  if (!python) throw usageError('No Python found (no .venv or venv in the project, at the top of its checkout or one folder up, no $VIRTUAL_ENV, no python3 on PATH); pass --python PATH.');
  const devIni = options.devIni ?? detectDevIni(root);
  if (!devIni) throw usageError(`No development.ini or alembic.ini in ${root}; pass --dev-ini FILE.`);
  if (!fs.existsSync(path.resolve(root, devIni))) throw usageError(`The development INI ${devIni} does not exist; pass --dev-ini with an existing file.`);
  const preset = options.preset ?? detectPreset(root, checkPython(python, root));
  const servers = serversFrom(options.serverUrl);
  const engine = options.engine ?? 'sqlite';
  if (engine !== 'sqlite' && !servers[engine]) throw usageError(`--engine ${engine} needs the server to create databases on; add --server-url URL for it.`);
  const password = options.storePassword ? process.env[PASSWORD_ENV] : undefined;
  if (options.storePassword && !password) throw usageError(`--store-password stores the value of ${PASSWORD_ENV}, which is not set; set it first.`);
  const saved = await saveConfig(root, {
    preset,
    python,
    devIni,
    ...(options.devDb ? { devDb: options.devDb } : {}),
    // Beside the development INI, so that %(here)s in the copy means the same folder.
    throwawayIni: options.throwawayIni ?? path.join(path.dirname(devIni), 'temp.ini'),
    throwawayDb: options.throwawayDb ?? 'temp.db',
    ...(engine !== 'sqlite' || Object.keys(servers).length > 0 ? { engine, servers } : {}),
    admin: {
      user: options.adminUser ?? 'admin',
      email: options.adminEmail ?? 'admin@example.com',
      ...(password ? { password } : {}),
    },
    repos: options.repos ?? '.devdb/repos',
    publicAccess: options.publicAccess ?? false,
    ...(options.setupCommand ? { setupCommand: options.setupCommand } : {}),
    ...(options.setup ? { setup: options.setup } : {}),
    ...(options.models ? { models: options.models } : {}),
  });
  const config = saved.report.settings as DevdbConfigInput;
  const vcs = detectVcs(root);
  const ignored = vcs ? await addIgnores(vcs, throwawayPatterns(vcs, root, config.throwawayIni ?? 'temp.ini', throwawayTarget(config.throwawayDb ?? 'temp.db', root).file)) : undefined;
  const added = ignored?.added.length ? [`Added to ${path.relative(root, ignored.file) || ignored.file}: ${ignored.added.join(', ')}.`] : [];
  return { ...saved, report: { ...saved.report, ...(ignored ? { ignored } : {}) }, summary: [...saved.summary, ...added] };
}

/** The development database devdb.json names is never the throwaway database, which devdb deletes. */
function assertNotThrowaway(root: string, config: DevdbConfig): void {
  const devDb = developmentTarget(config.devDb as string, root, '--dev-db');
  if (sameDatabase(devDb, throwawayTarget(config.throwawayDb, root))) {
    throw usageError(`--dev-db ${config.devDb} is the throwaway database, which devdb deletes and rebuilds; give the development database, or another --throwaway-db.`);
  }
}

/** Alembic must load the migrations through the development INI, from its folder as devdb will run it, before a config names that INI. */
async function loadsScripts(root: string, python: string, devIni: string): Promise<void> {
  const ini = path.resolve(root, devIni);
  const show = (file: string): string => path.relative(root, file) || '.';
  await readRevisions(python, ini, path.dirname(ini), show, true);
}

/**
 * Writes devdb.json in `root` (shared by `init --yes` and the wizard): paths inside
 * the root become relative, and the config is checked as a run would check it
 * (schema, Python, the preset's tools) before a byte is written.
 */
export async function saveConfig(root: string, settings: DevdbConfigInput): Promise<Outcome> {
  const file = path.join(root, CONFIG_FILE);
  const { shared, local } = splitPortable(root, { ...settings, devIni: stored(root, settings.devIni) });
  const input = mergeLocal(shared, local) as DevdbConfigInput;
  const config = validateConfig(input, file);
  if (config.devDb) assertNotThrowaway(root, config);
  const resolvedPython = checkPython(config.python, root);
  for (const tool of presetFor(config).tools) requireTool(resolvedPython, tool, config.preset);
  // Where the development INI decides where the migrations are, Alembic must find them through it.
  if (presetFor(config).versions === undefined) await loadsScripts(root, resolvedPython, config.devIni);
  if (presetFor(config).needsAdmin && config.repos === '.devdb/repos') await fs.ensureDir(path.join(root, '.devdb', 'repos'));
  await fs.writeFile(file, `${JSON.stringify(shared, null, 2)}\n`);
  await writeLocal(file, local);
  const password = config.admin.password;
  const perUser = Object.keys(local);
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'init', config: file, settings: { ...input, admin: { ...input.admin, ...(password ? { password: '***' } : {}) } }, ...(perUser.length > 0 ? { local: perUser } : {}) },
    summary: [
      `devdb init: wrote ${CONFIG_FILE} (preset ${config.preset}, Python ${config.python}, development INI ${config.devIni}).`,
      ...(perUser.length > 0 ? [`${perUser.join(', ')} ${perUser.length > 1 ? 'are paths' : 'is a path'} outside the repository, so ${LOCAL_CONFIG_FILE} holds ${perUser.length > 1 ? 'them' : 'it'} for you alone (ignored by git or Mercurial).`] : []),
      ...(presetFor(config).needsAdmin && !password ? [`Set ${PASSWORD_ENV} before "devdb reset": the admin password is not stored.`] : []),
    ],
  };
}
