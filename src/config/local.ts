import path from 'node:path';
import fs from 'fs-extra';
import { detectVcs } from '../vcs/index.js';
import { localConfigFile } from './files.js';

/**
 * devdb.json is meant to be committed, so it holds only portable values; a path that
 * lies outside the repository (a virtualenv in ~/.cache, a repositories folder
 * elsewhere) is one user's, and goes to devdb.local.json beside it, which is ignored.
 */

/** Keys whose value is a path that may be one user's. */
const PER_USER_PATHS = ['python', 'repos', 'devDb'] as const;

type Settings = Record<string, unknown>;

/**
 * The config's values, with devdb.local.json supplying those it leaves out (admin key by
 * key). It fills in rather than overrides, so a config that sets a value itself (another
 * --config FILE in the same folder) means what it says.
 */
export function mergeLocal(shared: Settings, local: Settings | undefined): Settings {
  if (!local) return shared;
  const admin = shared.admin !== undefined || local.admin !== undefined ? { admin: { ...(local.admin as Settings | undefined), ...(shared.admin as Settings | undefined) } } : {};
  return { ...local, ...shared, ...admin };
}

/** Whether `file` is inside the repository holding `root` (the root itself when it is in none). */
function inRepository(root: string, file: string): boolean {
  const top = detectVcs(root)?.top ?? root;
  const relative = path.relative(top, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Splits settings into what devdb.json keeps and what devdb.local.json keeps: a path
 * inside the repository is written relative to the root (`../.venv/bin/python` too), one
 * outside it absolute and per-user; a URL or a bare command name stays shared.
 */
export function splitPortable(root: string, settings: Settings): { shared: Settings; local: Settings } {
  const shared: Settings = { ...settings };
  const local: Settings = {};
  for (const key of PER_USER_PATHS) {
    const value = settings[key];
    if (typeof value !== 'string' || value.includes('://') || !value.includes('/')) continue;
    const file = path.resolve(root, value);
    if (inRepository(root, file)) {
      shared[key] = path.relative(root, file) || '.';
    } else {
      delete shared[key];
      local[key] = file;
    }
  }
  return { shared, local };
}

/**
 * Writes devdb.local.json with `local` in place of the per-user paths it had; other keys
 * a user put there stay. An empty result removes the file.
 */
export async function writeLocal(configFile: string, local: Settings): Promise<void> {
  const file = localConfigFile(configFile);
  const before = (await fs.readJson(file).catch(() => ({}))) as Settings;
  const kept = Object.fromEntries(Object.entries(before).filter(([key]) => !(PER_USER_PATHS as readonly string[]).includes(key)));
  const next = { ...kept, ...local };
  if (Object.keys(next).length === 0) await fs.remove(file);
  else await fs.writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
}
