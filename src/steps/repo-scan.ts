import type { Context } from '../context.js';
import type { Command } from '../presets/command.js';
import { replay, type CacheableRun } from './shared/cached.js';
import { runSetupTool } from './setup-db.js';
import { shown, planCommand, type Step } from './step.js';

const command = (ctx: Context): Command | undefined => ctx.preset.repoScan(shown(ctx, ctx.throwawayIni));

/**
 * Documented step 4's repo-scan: registers the repositories folder's repositories in the throwaway
 * database. Given a cached database, nothing is run: it was scanned when it was built,
 * and the repositories folder is as it was then.
 */
export function repoScan({ keep, cached }: CacheableRun = {}): Step {
  return {
    id: 'repo-scan',
    title: (ctx) =>
      cached
        ? `repo-scan: served from the cache (${shown(ctx, ctx.repos)} is as it was when the cached database was scanned)`
        : `repo-scan: scan ${shown(ctx, ctx.repos)} into the throwaway database`,
    enabled: (ctx) => command(ctx) !== undefined,
    plan: (ctx) => (cached ? [] : [planCommand(command(ctx) as Command)]),
    run: async (ctx, io) => {
      if (cached) replay(ctx, io, cached, 'repo-scan');
      else keep?.((await runSetupTool(ctx, command(ctx) as Command, io, 'repo-scan')).output);
    },
  };
}
