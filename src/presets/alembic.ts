import { fileURLToPath } from 'node:url';
import { alembic as alembicCommand, type Command, type SetupOptions } from './command.js';
import type { Preset } from './preset.js';

/** Builds a database from the env's target_metadata (create_all); with --stamp, then `alembic stamp head`. */
export const CREATE_FROM_MODELS = fileURLToPath(new URL('../../templates/create_from_models.py', import.meta.url));

/**
 * Any Alembic project: the throwaway INI is a copy of the development one, and the
 * throwaway database is an empty database brought to `alembic upgrade head`, built
 * from the models and stamped at head (setup "models", for migrations that cannot
 * build a database from empty), or what the project's own setup command makes of it
 * ({config} and {url} are filled in).
 */
export function alembicPreset(setupCommand?: readonly string[], setup: 'migrations' | 'models' = 'migrations'): Preset<'alembic'> {
  return {
    name: 'alembic',
    summary: 'any Alembic project (alembic upgrade head)',
    // Any project may be a plain Alembic one; a preset that knows the project better is sure of it.
    detect: () => 'maybe',
    tools: setupCommand ? ['alembic', setupCommand[0] as string] : ['alembic'],
    inProcessTools: [],
    setup: setupCommand ? 'command' : setup,
    needsAdmin: false,
    urlSections: ['alembic'],
    models: ['**/models.py', '**/models/*.py'],
    modelsFromEnv: true,
    setupSources: [],
    lint: {
      keepColumns: 'For a change that only adds columns, a downgrade that does nothing (instead of dropping them) avoids losing what was stored in them',
      batch: ' (Alembic then copies the table, which SQLite needs)',
    },
    configure: (settings) => alembicPreset(settings.setupCommand, settings.setup),
    makeConfig: () => undefined,
    setupDb: ({ ini, url, python }: SetupOptions): Command => {
      if (!setupCommand) return setup === 'models' ? { tool: python, args: [CREATE_FROM_MODELS, '--stamp', ini] } : alembicCommand(ini, 'upgrade', 'head');
      const fill = (arg: string): string => arg.replaceAll('{config}', ini).replaceAll('{url}', url);
      const [tool, ...args] = setupCommand.map(fill);
      return { tool: tool as string, args };
    },
    repoScan: () => undefined,
  };
}
