import type { Command } from '../presets/command.js';
import { runSetupTool } from './setup-db.js';
import { shown, planCommand, type Step } from './step.js';
import type { Context } from '../context.js';

const command = (ctx: Context): Command | undefined => ctx.preset.repoScan(shown(ctx, ctx.throwawayIni));

/** Step 4's repo-scan: registers the repositories folder's repositories in the throwaway database; `keep` gets what the tool printed. */
export function repoScanStep(keep?: (output: string) => void): Step {
  return {
    id: 'repo-scan',
    title: (ctx) => `repo-scan: scan ${shown(ctx, ctx.repos)} into the throwaway database`,
    enabled: (ctx) => command(ctx) !== undefined,
    plan: (ctx) => [planCommand(command(ctx) as Command)],
    run: async (ctx, io) => {
      keep?.((await runSetupTool(ctx, command(ctx) as Command, io, 'repo-scan')).output);
    },
  };
}

export const repoScan: Step = repoScanStep();
