import type { Context } from '../context.js';
import { recordOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import { DevdbError, EXIT } from '../errors.js';
import type { Admin, Command } from '../presets/command.js';
import { IN_PROCESS_TOOLS, runInProcess } from '../python/alembic-server.js';
import { findTool } from '../python/locate.js';
import { finish, withoutRerunAdvice, type RunResult } from '../python/run.js';
import { replay, restoreCached, where, type CacheableRun } from './shared/cached.js';
import { dropOnServer, removeHalfBuilt } from './shared/databases.js';
import { shown, planCommand, runTool, type StepIO, type Step } from './step.js';

const PLACEHOLDER: Admin = { user: '', email: '', password: '***' };

function command(ctx: Context): Command {
  const admin = ctx.admin ?? { ...PLACEHOLDER, user: ctx.config.admin.user, email: ctx.config.admin.email };
  return ctx.preset.setupDb({
    // devdb's create_from_models.py runs from where Alembic runs, so it gets the INI's full path.
    ini: ctx.preset.setup === 'models' ? ctx.throwawayIni : shown(ctx, ctx.throwawayIni),
    admin,
    repos: ctx.repos,
    publicAccess: ctx.config.publicAccess,
    url: ctx.throwawayDb.url,
    python: ctx.python,
  });
}

/**
 * Runs a setup tool: kallithea-cli in devdb's long-lived Python helper (Kallithea is
 * imported once per devdb run, not once per command), anything else as its own process.
 * The same command line either way, from the project root; its output is redacted.
 */
export async function runSetupTool(ctx: Context, command: Command, io: StepIO, step: string): Promise<RunResult> {
  if (ctx.preset.setup === 'models') return runTool(ctx, command, io, step, { cwd: ctx.alembicDir });
  const executable = findTool(ctx.python, command.tool);
  // Alembic runs in the helper too, through runTool, from the development INI's folder.
  if (!executable || !IN_PROCESS_TOOLS.has(command.tool) || command.tool === 'alembic') return runTool(ctx, command, io, step);
  const secrets = [...ctx.secrets, ...(command.secrets ?? [])];
  const { exitCode, lines } = await runInProcess(ctx.python, ctx.root, { name: command.tool, path: executable }, command.args, secrets, ctx.verbose ? (line) => io.output(line) : undefined);
  return finish(command, lines, exitCode, step);
}

/** How SQLite, PostgreSQL and MariaDB say a table a migration expects is not there. */
const MISSING_TABLE = /no such table|relation "[^"]+" does not exist|Table '[^']+' doesn't exist/;

/** A failed `alembic upgrade head` on an empty database, because a migration expects a table, with the way out for migrations that assume tables exist. */
export function fromEmptyHint(error: unknown): unknown {
  if (!(error instanceof DevdbError) || error.exitCode !== EXIT.failed || !MISSING_TABLE.test(`${error.message}\n${error.detail ?? ''}`)) return error;
  const message = withoutRerunAdvice(error.message);
  return new DevdbError(
    `${message}; if the migrations cannot build a database from empty (the project makes one with create_all and alembic stamp head), run "devdb init --yes --force --setup models", otherwise fix the cause in its output.`,
    { exitCode: error.exitCode, detail: error.detail, cause: error },
  );
}

/**
 * Documented step 4's setup-db with the admin options: builds the throwaway database from the
 * current models, or, given a cached database, copies that into a fresh throwaway
 * database devdb owns.
 */
export function setupDb({ keep, cached }: CacheableRun = {}): Step {
  return {
    id: 'setup-db',
    title: (ctx) =>
      cached
        ? `setup-db: restore ${describeTarget(ctx.throwawayDb, ctx.root)} from the cache (${where(ctx, cached)}); nothing it depends on changed`
        : `setup-db: build ${describeTarget(ctx.throwawayDb, ctx.root)} from ${shown(ctx, ctx.throwawayIni)}${ctx.preset.needsAdmin ? ` with admin ${ctx.config.admin.user}` : ''}`,
    plan: (ctx) => (cached ? [] : [planCommand(command(ctx))]),
    run: async (ctx, io) => {
      if (cached) {
        await restoreCached(ctx, cached);
        replay(ctx, io, cached, 'setup-db');
        return;
      }
      await recordOwned(ctx.stateDir, ctx.throwawayDb);
      const { output } = await runSetupTool(ctx, command(ctx), io, 'setup-db').catch((error: unknown) => {
        throw ctx.preset.setup === 'migrations' ? fromEmptyHint(error) : error;
      });
      await recordOwned(ctx.stateDir, ctx.throwawayDb);
      keep?.(output);
    },
    cleanUp: (ctx) => (ctx.throwawayDb.file ? removeHalfBuilt(ctx) : dropOnServer(ctx, [ctx.throwawayDb])),
  };
}
