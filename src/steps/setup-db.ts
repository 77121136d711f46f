import type { Context } from '../context.js';
import { recordOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import type { Admin, Command } from '../presets/command.js';
import { shown, planCommand, runTool, type Step } from './step.js';

const PLACEHOLDER: Admin = { user: '', email: '', password: '***' };

function command(ctx: Context): Command {
  const admin = ctx.admin ?? { ...PLACEHOLDER, user: ctx.config.admin.user, email: ctx.config.admin.email };
  return ctx.preset.setupDb({
    ini: shown(ctx, ctx.throwawayIni),
    admin,
    repos: ctx.repos,
    publicAccess: ctx.config.publicAccess,
    url: ctx.throwawayDb.url,
  });
}

/** Step 4's setup-db with the admin options: builds the throwaway database from the current models. */
export const setupDb: Step = {
  id: 'setup-db',
  title: (ctx) => `setup-db: build ${describeTarget(ctx.throwawayDb, ctx.root)} from ${shown(ctx, ctx.throwawayIni)}${ctx.preset.needsAdmin ? ` with admin ${ctx.config.admin.user}` : ''}`,
  plan: (ctx) => [planCommand(command(ctx))],
  run: async (ctx, io) => {
    await recordOwned(ctx.stateDir, ctx.throwawayDb);
    await runTool(ctx, command(ctx), io, 'setup-db');
    await recordOwned(ctx.stateDir, ctx.throwawayDb);
  },
};
