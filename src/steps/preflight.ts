import { engineFor } from '../engines/index.js';
import { takeSnapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import { alembic } from '../presets/command.js';
import { readRevisions, type AlembicRevision } from '../python/alembic.js';
import type { Context } from '../context.js';
import { writeIniForDevDb } from './shared/dev-ini.js';
import type { CycleContext } from './shared/round-trip.js';
import { shown, runTool, type Step } from './step.js';

/** The newest migration (exactly one head) of the project's code, read by Alembic itself; undefined with no migrations. */
export async function singleHead(ctx: Context): Promise<AlembicRevision | undefined> {
  const { heads } = await readRevisions(ctx.python, ctx.devIni, ctx.alembicDir, (file) => shown(ctx, file));
  if (heads.length > 1) {
    throw usageError(`The migrations have ${heads.length} heads (${heads.map((h) => h.revision).join(', ')}); merge them with "alembic merge" before generating or testing another one.`);
  }
  return heads[0];
}

/** The plan line for reading the heads. */
export const readHeadsPlan = (ctx: Context): string => `read the heads of the migrations through ${shown(ctx, ctx.devIni)} with Alembic's ScriptDirectory`;

/**
 * Documented step 1: the development database must be at the newest migration
 * before the change. A stale one stops the cycle with the documented
 * "Target database is not up to date" explained, unless --upgrade-first asks to
 * snapshot it and bring it up to head.
 */
export function preflight({ upgradeFirst }: { upgradeFirst: boolean }): Step<CycleContext> {
  return {
    id: 'preflight',
    title: () => 'preflight: check the development database is at the newest migration',
    plan: (ctx) => [readHeadsPlan(ctx), `read alembic_version of ${describeTarget(ctx.devDb, ctx.root)}`],
    run: async (ctx, io) => {
      const head = (await singleHead(ctx))?.revision;
      if (ctx.trip.base.kind === 'vcs') return;
      const engine = await engineFor(ctx.devDb.engine);
      if (!(await engine.exists(ctx.devDb))) {
        throw usageError(`The development database ${describeTarget(ctx.devDb, ctx.root)} does not exist; create it at the newest migration, or run again with --base vcs to build the base from the committed code.`);
      }
      const current = await engine.revisions(ctx.devDb);
      if (current.length === (head ? 1 : 0) && current[0] === head) return;
      const at = current.length > 0 ? current.join(', ') : 'no revision';
      if (!upgradeFirst) {
        throw usageError(
          `The development database is at ${at} but the newest migration is ${head} (Alembic would say "Target database is not up to date"); run again with --upgrade-first to snapshot and upgrade it, or with --base vcs to build the base from the committed code.`,
        );
      }
      const snapshot = await takeSnapshot(ctx.stateDir, ctx.devDb, `before --upgrade-first from ${at}`);
      io.output(`snapshot ${snapshot.id} taken; upgrading ${describeTarget(ctx.devDb, ctx.root)} to ${head}`);
      await runTool(ctx, alembic(shown(ctx, await writeIniForDevDb(ctx)), 'upgrade', 'head'), io, 'upgrade of the development database');
    },
  };
}
