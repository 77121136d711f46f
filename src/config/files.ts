import { existsSync } from 'node:fs';
import path from 'node:path';
import { realFile } from '../engines/url.js';

// Where devdb's config lives, without loading the schema: a run whose config did not
// change finds and reads it from here alone (config/load.ts).

export const CONFIG_FILE = 'devdb.json';
/** Per-user settings beside devdb.json (paths outside the repository), never committed. */
export const LOCAL_CONFIG_FILE = 'devdb.local.json';

/** The per-user file beside a devdb.json. */
export const localConfigFile = (configFile: string): string => path.join(path.dirname(configFile), LOCAL_CONFIG_FILE);

/**
 * The project root: devdb.json's folder with symlinks resolved, so every path devdb
 * derives from it (state, snapshots, the checkout's top, server database names)
 * is the same whichever way the project was reached (--config through a symlink).
 */
export const projectRoot = (file: string): string => realFile(path.dirname(file));

/** Finds devdb.json in `start` or the nearest folder above it. */
export function findConfig(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
