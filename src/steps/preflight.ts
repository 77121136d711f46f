import { engineFor } from '../engines/index.js';
import { takeSnapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import { alembic } from '../presets/command.js';
import { parseHeads } from '../python/alembic.js';
import type { CycleContext } from './round-trip.js';
import { shown, planCommand, runTool, type Step, type StepIO } from './step.js';

/** The newest migration (exactly one head) of the project's code and its script's path; undefined with no migrations. */
export async function singleHead(ctx: CycleContext, io: StepIO): Promise<{ revision: string; path: string | undefined } | undefined> {
  const { output } = await runTool(ctx, alembic(shown(ctx, ctx.devIni), 'heads', '--verbose'), io, 'alembic heads');
  const heads = parseHeads(output);
  if (heads.length > 1) {
    throw usageError(`The migrations have ${heads.length} heads (${heads.map((h) => h.revision).join(', ')}); merge them with "alembic merge" before generating or testing another one.`);
  }
  return heads[0];
}

/**
 * Step 1 of the loop: the development database must be at the newest migration
 * before the change. A stale one stops the cycle with the documented
 * "Target database is not up to date" explained, unless --upgrade-first asks to
 * snapshot it and bring it up to head.
 */
export function preflight({ upgradeFirst }: { upgradeFirst: boolean }): Step<CycleContext> {
  return {
    id: 'preflight',
    title: () => 'Check the development database is at the newest migration',
    plan: (ctx) => [planCommand(alembic(shown(ctx, ctx.devIni), 'heads', '--verbose')), `read alembic_version of ${describeTarget(ctx.devDb, ctx.root)}`],
    run: async (ctx, io) => {
      const head = (await singleHead(ctx, io))?.revision;
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
      io.output(`snapshot ${snapshot.id} taken; upgrading ${shown(ctx, ctx.devIni)} to ${head}`);
      await runTool(ctx, alembic(shown(ctx, ctx.devIni), 'upgrade', 'head'), io, 'upgrade of the development database');
    },
  };
}
