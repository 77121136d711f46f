import fs from 'fs-extra';
import type { Context } from '../context.js';
import { recordOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import type { Admin, Command } from '../presets/command.js';
import { argPath, planCommand, runTool, shown, type Step } from './step.js';

const PLACEHOLDER: Admin = { user: '', email: '', password: '***' };

function command(ctx: Context): Command {
  const admin = ctx.admin ?? { ...PLACEHOLDER, user: ctx.config.admin.user, email: ctx.config.admin.email };
  return ctx.preset.setupDb({
    ini: argPath(ctx, ctx.throwawayIni),
    admin,
    repos: ctx.repos,
    publicAccess: ctx.config.publicAccess,
    url: ctx.throwawayDb.url,
  });
}

/** The repositories folder must exist and be writable before setup-db is asked to use it. */
async function checkRepos(ctx: Context): Promise<void> {
  const stat = await fs.stat(ctx.repos).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw usageError(`The repositories folder ${ctx.repos} does not exist; create it (mkdir -p) or set "repos" in devdb.json.`);
  }
  try {
    await fs.access(ctx.repos, fs.constants.W_OK);
  } catch {
    throw usageError(`The repositories folder ${ctx.repos} is not writable; fix its permissions or set "repos" in devdb.json.`);
  }
}

/** Step 4's setup-db with the admin options: builds the throwaway database from the current models. */
export const setupDb: Step = {
  id: 'setup-db',
  title: (ctx) => `setup-db: build ${describeTarget(ctx.throwawayDb, ctx.root)} from ${shown(ctx, ctx.throwawayIni)}${ctx.preset.needsAdmin ? ` with admin ${ctx.config.admin.user}` : ''}`,
  plan: (ctx) => [planCommand(command(ctx))],
  run: async (ctx, io) => {
    if (ctx.preset.needsAdmin) await checkRepos(ctx);
    await recordOwned(ctx.stateDir, ctx.throwawayDb);
    await runTool(ctx, command(ctx), io, 'setup-db');
    await recordOwned(ctx.stateDir, ctx.throwawayDb);
  },
};
