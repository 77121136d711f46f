import path from 'node:path';
import fs from 'fs-extra';
import { detectDevIni, detectPreset } from '../config/detect.js';
import { CONFIG_FILE, type DevdbConfigInput, type PresetName, type ServerEngine } from '../config/schema.js';
import type { EngineName } from '../engines/url.js';
import { validateConfig } from '../config/load.js';
import { PASSWORD_ENV } from '../context.js';
import { EXIT, usageError } from '../errors.js';
import { presetFor } from '../presets/index.js';
import { checkPython, detectPython, requireTool } from '../python/locate.js';
import type { Outcome } from '../report/output.js';

export interface InitOptions {
  yes?: boolean;
  force?: boolean;
  preset?: PresetName;
  python?: string;
  devIni?: string;
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
  if (!python) throw usageError('No Python found (no .venv or venv beside the project, no python3 on PATH); pass --python PATH.');
  const devIni = options.devIni ?? detectDevIni(root);
  if (!devIni) throw usageError(`No development.ini or alembic.ini in ${root}; pass --dev-ini FILE.`);
  if (!fs.existsSync(path.resolve(root, devIni))) throw usageError(`The development INI ${devIni} does not exist; pass --dev-ini with an existing file.`);
  const preset = options.preset ?? detectPreset(root, checkPython(python, root));
  const servers = serversFrom(options.serverUrl);
  const engine = options.engine ?? 'sqlite';
  if (engine !== 'sqlite' && !servers[engine]) throw usageError(`--engine ${engine} needs the server to create databases on; add --server-url URL for it.`);
  const password = options.storePassword ? process.env[PASSWORD_ENV] : undefined;
  if (options.storePassword && !password) throw usageError(`--store-password stores the value of ${PASSWORD_ENV}, which is not set; set it first.`);
  return saveConfig(root, {
    preset,
    python,
    devIni,
    throwawayIni: options.throwawayIni ?? 'temp.ini',
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
}

/**
 * Writes devdb.json in `root` (shared by `init --yes` and the wizard): paths inside
 * the root become relative, and the config is checked as a run would check it
 * (schema, Python, the preset's tools) before a byte is written.
 */
export async function saveConfig(root: string, settings: DevdbConfigInput): Promise<Outcome> {
  const file = path.join(root, CONFIG_FILE);
  const input: DevdbConfigInput = {
    ...settings,
    python: stored(root, settings.python),
    devIni: stored(root, settings.devIni),
    ...(settings.repos ? { repos: stored(root, settings.repos) } : {}),
  };
  const config = validateConfig(input, file);
  const resolvedPython = checkPython(config.python, root);
  for (const tool of presetFor(config).tools) requireTool(resolvedPython, tool, config.preset);
  if (presetFor(config).needsAdmin && config.repos === '.devdb/repos') await fs.ensureDir(path.join(root, '.devdb', 'repos'));
  await fs.writeFile(file, `${JSON.stringify(input, null, 2)}\n`);
  const password = config.admin.password;
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'init', config: file, settings: { ...input, admin: { ...input.admin, ...(password ? { password: '***' } : {}) } } },
    summary: [
      `devdb init: wrote ${CONFIG_FILE} (preset ${config.preset}, Python ${config.python}, development INI ${config.devIni}).`,
      ...(presetFor(config).needsAdmin && !password ? [`Set ${PASSWORD_ENV} before "devdb reset": the admin password is not stored.`] : []),
    ],
  };
}
