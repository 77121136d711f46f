import path from 'node:path';
import { usageError } from '../errors.js';
import { iniValue, interpolate, readIni } from './ini-read.js';
import { presetNamed } from '../presets/index.js';
import type { DevdbConfig } from './schema.js';

/** A glob as a regular expression over '/'-separated paths: `**` spans folders, `*` and `?` do not. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] as string;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A test for "is this root-relative path a model file", from devdb.json's "models", else the files found from the project (cache/model-files.ts), else the preset's globs. */
export function modelMatcher(config: Pick<DevdbConfig, 'preset' | 'models'>, found?: readonly string[]): (file: string) => boolean {
  if (!config.models && found) {
    const files = new Set(found);
    return (file) => files.has(file);
  }
  const patterns = (config.models ?? presetNamed(config.preset).models).map((g) => globToRegExp(g.replace(/^\.\//, '')));
  return (file) => patterns.some((p) => p.test(file));
}

/**
 * The folder of migration scripts, relative to the root with '/' separators: the preset's
 * own where it fixes one; else, as Alembic has it, `script_location` of the development INI plus
 * versions/ (version_locations is not followed), read without starting Python; a relative
 * one from the development INI's folder, where devdb runs Alembic.
 */
export async function versionsFolder(config: DevdbConfig, root: string): Promise<string> {
  const fixed = presetNamed(config.preset).versions;
  if (fixed !== undefined) return fixed;
  const ini = await readIni(path.resolve(root, config.devIni), 'development INI');
  const location = iniValue(ini, 'alembic', 'script_location');
  if (location === undefined) {
    throw usageError(`The development INI ${ini.path} sets no script_location in [alembic]; add it so devdb can find the migrations.`);
  }
  // A relative script_location is read from where Alembic runs: the development INI's folder.
  const folder = path.resolve(path.dirname(ini.path), interpolate(ini, 'alembic', location), 'versions');
  return path.relative(root, folder).split(path.sep).join('/');
}
