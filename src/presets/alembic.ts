import { alembic as alembicCommand, type Command, type Preset, type SetupOptions } from './command.js';

/**
 * Any Alembic project: the throwaway INI is a copy of the development one, and the
 * throwaway database is an empty database brought to `alembic upgrade head`, or what
 * the project's own setup command makes of it ({config} and {url} are filled in).
 */
export function alembicPreset(setupCommand?: readonly string[]): Preset {
  return {
    name: 'alembic',
    summary: 'any Alembic project (alembic upgrade head)',
    tools: setupCommand ? ['alembic', setupCommand[0] as string] : ['alembic'],
    needsAdmin: false,
    urlSections: ['alembic'],
    makeConfig: () => undefined,
    setupDb: ({ ini, url }: SetupOptions): Command => {
      if (!setupCommand) return alembicCommand(ini, 'upgrade', 'head');
      const fill = (arg: string): string => arg.replaceAll('{config}', ini).replaceAll('{url}', url);
      const [tool, ...args] = setupCommand.map(fill);
      return { tool: tool as string, args };
    },
    repoScan: () => undefined,
  };
}
