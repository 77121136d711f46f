import path from 'node:path';
import type { DevdbConfig } from './schema.js';
import { realFile, type DatabaseTarget } from '../engines/url.js';
import { usageError } from '../errors.js';

const inside = (root: string, file: string): boolean => {
  const relative = path.relative(realFile(root), realFile(file));
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
};

/**
 * The throwaway INI is never the development INI, even through a symlink. devdb creates, rewrites and deletes the throwaway database and INI, so they must live
 * in the project: after `..`, symlinks and symlinked folders are resolved, a path outside
 * the project root is refused unless devdb.json says "allowOutsideRoot": true.
 */
export function assertThrowawayInside(root: string, configFile: string, config: DevdbConfig, throwawayDb: DatabaseTarget, throwawayIni: string, devIni: string): void {
  if (realFile(throwawayIni) === realFile(devIni)) {
    throw usageError(`"throwawayIni" in ${configFile} leads to the development INI ${realFile(devIni)} (through a symlink or ".."); give the throwaway its own INI, such as temp.ini.`);
  }
  if (config.allowOutsideRoot) return;
  for (const [key, file] of [['throwawayDb', throwawayDb.file], ['throwawayIni', throwawayIni]] as const) {
    if (file && !inside(root, file)) {
      throw usageError(
        `"${key}" in ${configFile} is ${realFile(file)}, outside the project ${root}, and devdb creates and deletes it; put it inside the project (such as ${key === 'throwawayDb' ? 'temp.db' : 'temp.ini'}), or set "allowOutsideRoot": true in devdb.json if you mean it.`,
      );
    }
  }
}
