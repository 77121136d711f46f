import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';
import { detectDevIni, detectPreset } from '../config/detect.js';
import { readIni } from '../config/ini-read.js';
import { CONFIG_FILE, localConfigFile } from '../config/files.js';
import { adminEmail, adminUser, type DevdbConfigInput } from '../config/schema.js';
import { databaseOf, PASSWORD_ENV, throwawayTarget } from '../context.js';
import { describeTarget, realFile, sameDatabase, type DatabaseTarget } from '../engines/url.js';
import { DevdbError, EXIT, usageError, type ExitCode } from '../errors.js';
import { PRESET_NAMES, presetFor, type PresetName } from '../presets/index.js';
import { hookState } from '../vcs/hooks.js';
import { hookInstall } from './hook.js';
import { checkPython, detectPython, requireTool } from '../python/locate.js';
import { askChoice, askSecret, askText, askYesNo, isPromptExit, type Check } from '../report/ask.js';
import type { Outcome } from '../report/output.js';
import { addIgnores, throwawayPatterns } from '../vcs/ignore.js';
import { detectVcs } from '../vcs/index.js';
import { mergeLocal } from '../config/local.js';
import { saveConfig, type InitOptions } from './init.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const DEFAULT_REPOS = '.devdb/repos';

const say = (...lines: string[]): void => {
  process.stdout.write(`${lines.join('\n')}\n`);
};

/** A check that reuses devdb's own errors as the reason an answer is refused. */
const reason = async (check: () => unknown): Promise<true | string> => {
  try {
    await check();
    return true;
  } catch (error) {
    if (error instanceof DevdbError) return error.message;
    throw error;
  }
};

/** The folder a new file would go in must exist, or the first run fails on it. */
const folderExists = (root: string, file: string): boolean => fs.existsSync(path.dirname(path.resolve(root, file)));

/** devdb.json as it is, with devdb.local.json over it, to offer its values as defaults; unreadable JSON offers none. */
async function readExisting(file: string): Promise<Partial<DevdbConfigInput> | undefined> {
  if (!(await fs.pathExists(file))) return undefined;
  try {
    const json: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    const local = (await fs.readJson(localConfigFile(file)).catch(() => undefined)) as Record<string, unknown> | undefined;
    if (json && typeof json === 'object' && !Array.isArray(json)) return mergeLocal(json as Record<string, unknown>, local) as Partial<DevdbConfigInput>;
  } catch {
    // offered as a replacement below
  }
  say(`${CONFIG_FILE} is not a JSON object; its values cannot be offered as defaults.`);
  return {};
}

/** A Python's absolute path, or undefined when it is not there. */
const resolved = (python: string, root: string): string | undefined => {
  try {
    return checkPython(python, root);
  } catch {
    return undefined;
  }
};

/** The development database the INI names, or why it names none. */
async function devDatabase(root: string, devIni: string, preset: PresetName): Promise<DatabaseTarget> {
  const file = path.resolve(root, devIni);
  const sections = presetFor({ preset }).urlSections;
  const target = databaseOf(await readIni(file, 'development INI'), presetFor({ preset }), path.dirname(file));
  if (!target) throw usageError(`${devIni} sets no sqlalchemy.url in ${sections.map((s) => `[${s}]`).join(' or ')}; give the INI that names the development database.`);
  return target;
}

const pythonCheck = (root: string, tools: string[], preset: PresetName): Check => async (value) => {
  if (!value) return "give the project's Python, such as .venv/bin/python.";
  const python = resolved(value, root);
  if (!python) return `${value} does not exist or is not executable; give the project's Python, such as .venv/bin/python.`;
  return reason(() => tools.forEach((tool) => requireTool(python, tool, preset)));
};

/** make-config writes the throwaway INI, so it must not be the development INI or database, and an existing one must be an INI. */
const throwawayIniCheck = (root: string, devIni: string, devDb: DatabaseTarget): Check => async (value) => {
  if (!value) return 'give a file name, such as temp.ini.';
  const file = path.resolve(root, value);
  if (file === path.resolve(root, devIni)) return `${value} is the development INI; give the throwaway its own INI, such as temp.ini.`;
  if (devDb.file && realFile(file) === realFile(devDb.file)) return `${value} is the development database; give the throwaway INI its own file, such as temp.ini.`;
  if (!folderExists(root, value)) return `the folder of ${value} does not exist; create it first or give another path.`;
  return !fs.existsSync(file) || reason(() => readIni(file, 'throwaway INI'));
};

const throwawayDbCheck = (root: string, devDb: DatabaseTarget): Check => (value) =>
  reason(() => {
    if (!value) throw usageError('give a SQLite file, such as temp.db.');
    const target = throwawayTarget(value, root);
    if (target.engine !== 'sqlite') throw usageError(`${value} is a ${target.engine} database; devdb supports only SQLite so far, so give a file such as temp.db.`);
    if (sameDatabase(target, devDb)) throw usageError(`${value} is the development database ${describeTarget(devDb, root)}; give the throwaway its own file, such as temp.db.`);
    if (!folderExists(root, target.file as string)) throw usageError(`the folder of ${value} does not exist; create it first or give another path.`);
  });

const schemaCheck = (schema: typeof adminUser | typeof adminEmail): Check => (value) => {
  const result = schema.safeParse(value);
  return result.success || `it ${result.error.issues[0]?.message ?? 'is not allowed'}.`;
};

const reposCheck = (root: string): Check => (value) => {
  if (!value) return `give a folder, such as ${DEFAULT_REPOS}.`;
  if (value === DEFAULT_REPOS || fs.statSync(path.resolve(root, value), { throwIfNoEntry: false })?.isDirectory()) return true;
  return `${value} is not an existing folder; create it first, or accept ${DEFAULT_REPOS} (devdb creates that one).`;
};

/** The admin settings of a Kallithea preset, and the password for the first reset whether or not it is stored. */
async function askAdmin(root: string, defaults: Partial<DevdbConfigInput>, options: InitOptions) {
  const user = await askText('Admin user setup-db creates', options.adminUser ?? defaults.admin?.user ?? 'admin', schemaCheck(adminUser));
  const email = await askText('Admin email', options.adminEmail ?? defaults.admin?.email ?? 'admin@example.com', schemaCheck(adminEmail));
  const known = process.env[PASSWORD_ENV] || defaults.admin?.password;
  const typed = await askSecret(known ? 'Admin password (Enter keeps the current one)' : 'Admin password', (value) => Boolean(value || known) || 'give a password: setup-db creates the admin with it.');
  const password = typed || (known as string);
  const store = await askYesNo(`Store the password in ${CONFIG_FILE}? (otherwise it is read from ${PASSWORD_ENV} at run time)`, Boolean(defaults.admin?.password) || (options.storePassword ?? false));
  const repos = await askText('Repositories folder for setup-db and repo-scan', options.repos ?? defaults.repos ?? DEFAULT_REPOS, reposCheck(root));
  const publicAccess = await askYesNo('Let anonymous users read (public access)?', options.publicAccess ?? defaults.publicAccess ?? false);
  return { settings: { admin: { user, email, ...(store ? { password } : {}) }, repos, publicAccess }, password };
}

/** The settings as a person reads them before they are written; the password never shown. */
function summary(settings: DevdbConfigInput, devDb: DatabaseTarget, root: string, needsAdmin: boolean): string[] {
  const rows: [string, string][] = [
    ['preset', settings.preset],
    ['python', settings.python],
    ['development INI', `${settings.devIni} (database ${describeTarget(devDb, root)})`],
    ['engine', 'sqlite'],
    ['throwaway INI', settings.throwawayIni ?? ''],
    ['throwaway database', settings.throwawayDb ?? ''],
  ];
  if (needsAdmin) {
    rows.push(
      ['admin user', settings.admin?.user ?? ''],
      ['admin email', settings.admin?.email ?? ''],
      ['admin password', settings.admin?.password ? '*** (stored)' : `read from ${PASSWORD_ENV} at run time`],
      ['repositories', settings.repos ?? ''],
      ['public access', settings.publicAccess ? 'yes' : 'no'],
    );
  }
  return [`${CONFIG_FILE} will hold:`, ...rows.map(([key, value]) => `  ${key.padEnd(20)}${value}`)];
}

/** Runs the first `devdb reset` as its own process, so its progress shows as it always does. */
async function firstReset(root: string, password: string | undefined): Promise<ExitCode> {
  const result = await execa(process.execPath, [CLI, 'reset'], { cwd: root, stdio: 'inherit', reject: false, env: password ? { [PASSWORD_ENV]: password } : {} });
  const code = result.exitCode ?? EXIT.interrupted;
  return ([EXIT.ok, EXIT.failed, EXIT.usage, EXIT.interrupted] as number[]).includes(code) ? (code as ExitCode) : EXIT.failed;
}

/**
 * `devdb init` in a terminal: detects what it can, asks for the rest with the
 * detected (or existing) values as defaults, checks every answer as it is given,
 * and writes devdb.json only after the summary is confirmed; Ctrl-C writes nothing.
 */
export async function wizard(options: InitOptions): Promise<Outcome> {
  if (!process.stdin.isTTY) {
    throw usageError('"devdb init" asks questions and needs a terminal; run "devdb init --yes" with flags instead (see "devdb init --help").');
  }
  const root = process.cwd();
  const file = path.join(root, CONFIG_FILE);
  let written = false;
  try {
    const existing = await readExisting(file);
    if (existing && !(await askYesNo(`${CONFIG_FILE} exists; edit it (its values are the defaults)?`, true))) {
      return { exitCode: EXIT.ok, report: { ok: true, command: 'init', config: file, changed: false }, summary: [`devdb init: left ${CONFIG_FILE} as it is.`] };
    }
    const defaults = existing ?? {};
    const vcs = detectVcs(root);
    const pythonDefault = options.python ?? defaults.python ?? detectPython(root);
    const presetDefault = options.preset ?? defaults.preset ?? detectPreset(root, pythonDefault ? resolved(pythonDefault, root) : undefined);
    say(`Detected: ${vcs ? `${vcs.kind === 'git' ? 'git' : 'Mercurial'} checkout at ${vcs.top}` : 'no git or Mercurial checkout'}; preset ${presetDefault}; Python ${pythonDefault ?? 'none'}.`);

    const preset = await askChoice('Preset', PRESET_NAMES.map((name) => ({ name: `${name}: ${presetFor({ preset: name }).summary}`, value: name })), presetDefault);
    const setupCommand = options.setupCommand ?? defaults.setupCommand;
    const chosen = presetFor({ preset, setupCommand });
    const python = await askText(`The project's Python (with ${chosen.tools.join(', ')})`, pythonDefault, pythonCheck(root, chosen.tools, preset));
    const devIni = await askText('Development INI', options.devIni ?? defaults.devIni ?? detectDevIni(root), (value) =>
      value ? reason(() => devDatabase(root, value, preset)) : 'give the development INI, such as development.ini.',
    );
    const devDb = await devDatabase(root, devIni, preset);
    say(
      `Development database: ${describeTarget(devDb, root)}. Throwaway databases on ${defaults.engine ?? 'sqlite'}${defaults.engine && defaults.engine !== 'sqlite' ? '' : ' (for PostgreSQL or MariaDB: devdb init --yes --engine … --server-url …)'}.`,
    );
    const throwawayIni = await askText('Throwaway INI', options.throwawayIni ?? defaults.throwawayIni ?? path.join(path.dirname(devIni), 'temp.ini'), throwawayIniCheck(root, devIni, devDb));
    const throwawayDb = await askText('Throwaway database (a SQLite file)', options.throwawayDb ?? defaults.throwawayDb ?? 'temp.db', throwawayDbCheck(root, devDb));
    const admin = chosen.needsAdmin ? await askAdmin(root, defaults, options) : undefined;

    const settings: DevdbConfigInput = {
      ...defaults,
      preset,
      python,
      devIni,
      throwawayIni,
      throwawayDb,
      ...(admin?.settings ?? { admin: defaults.admin ?? { user: 'admin', email: 'admin@example.com' }, repos: defaults.repos ?? DEFAULT_REPOS, publicAccess: defaults.publicAccess ?? false }),
      ...(setupCommand ? { setupCommand } : {}),
    };
    say('', ...summary(settings, devDb, root, chosen.needsAdmin));
    if (!(await askYesNo(`Write ${CONFIG_FILE}?`, true))) {
      return { exitCode: EXIT.ok, report: { ok: true, command: 'init', config: file, changed: false }, summary: ['devdb init: nothing was written.'] };
    }
    const saved = await saveConfig(root, settings);
    written = true;
    say(...saved.summary);
    const ignored = vcs ? await addIgnores(vcs, throwawayPatterns(vcs, root, throwawayIni, throwawayTarget(throwawayDb, root).file)) : undefined;
    if (ignored?.added.length) say(`Added to ${path.relative(root, ignored.file) || ignored.file}: ${ignored.added.join(', ')}.`);
    if (vcs && !(await hookState(vcs)).installed && (await askYesNo('Install the hooks (devdb check before every commit; the database follows checkouts)?', true))) {
      say(...(await hookInstall({})).summary);
    }
    if (!(await askYesNo('Run the first "devdb reset" now?', true))) {
      return { exitCode: EXIT.ok, report: { ...saved.report, ignored }, summary: ['Run "devdb reset" to build the throwaway database.'] };
    }
    const exitCode = await firstReset(root, admin?.password);
    return { exitCode, report: { ...saved.report, ok: exitCode === EXIT.ok, ignored, reset: exitCode }, summary: [] };
  } catch (error) {
    if (!isPromptExit(error)) throw error;
    const line = written ? `devdb init: cancelled; ${CONFIG_FILE} was written, the first reset was not run.` : 'devdb init: cancelled; nothing was written.';
    return { exitCode: EXIT.interrupted, report: { ok: false, command: 'init', cancelled: true }, summary: [line] };
  }
}
