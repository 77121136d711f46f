/** The commands that run Alembic in devdb's helper whatever happens (cycle but with --dry-run). */
const USE_THE_HELPER = new Set(['verify', 'cycle']);

/** The value of --config FILE or --config=FILE, as the command line will read it. */
function configOption(args: string[]): string | undefined {
  const at = args.findIndex((arg) => arg === '--config' || arg.startsWith('--config='));
  if (at < 0) return undefined;
  return args[at]!.startsWith('--config=') ? args[at]!.slice('--config='.length) : args[at + 1];
}

/**
 * Starts devdb's helper for `devdb ARGS` from devdb.json, before the rest of devdb loads,
 * when the command will use it: Python starts and imports Alembic meanwhile. Other commands
 * load nothing here. A configuration or a Python that is wrong is left to the command to
 * report, in its own words. True when it started one.
 */
export async function startHelperEarly(args: string[]): Promise<boolean> {
  const [command, ...rest] = args;
  if (command === undefined || !USE_THE_HELPER.has(command) || rest.some((arg) => arg === '--help' || arg === '-h' || arg === '--dry-run')) return false;
  // execa too, which the helper's start loads: side by side, not after.
  const [{ loadConfig }, { pythonAndAlembicDir }, { startEarly }] = await Promise.all([import('./config/load.js'), import('./python/locate.js'), import('./python/alembic-server.js'), import('execa')]);
  try {
    const { root, config } = await loadConfig(configOption(rest), process.cwd());
    const { python, alembicDir } = pythonAndAlembicDir(config, root);
    await startEarly(python, alembicDir);
    return true;
  } catch {
    return false;
  }
}
