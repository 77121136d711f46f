import path from 'node:path';
import fs from 'fs-extra';
import { engineFor } from '../engines/index.js';
import { makeOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import { DevdbError, EXIT, usageError } from '../errors.js';
import { withoutRerunAdvice } from '../python/run.js';
import { alembic } from '../presets/command.js';
import { baseDb, writeIniFor } from './base-db.js';
import { clearDatabase } from './shared/databases.js';
import { inspect, planOnBase } from './shared/round-trip.js';
import { belowOf, type Stair, type StairwayContext } from './shared/stairway.js';
import { runTool, shown, type Step, type StepIO } from './step.js';

/** An empty base, upgraded to just below the first revision to walk when --from skips the older ones. */
async function fromEmpty(ctx: StairwayContext, io: StepIO, first: Stair): Promise<string> {
  const target = ctx.trip.baseDb;
  const note = await clearDatabase(ctx, target, 'base database', true);
  if (note) io.output(note);
  if (target.file) {
    // A zero-byte file is an empty SQLite database: the walk inspects it before the first upgrade creates anything.
    await fs.ensureDir(path.dirname(target.file));
    await fs.writeFile(target.file, '');
  }
  await makeOwned(ctx.stateDir, target);
  await writeIniFor(ctx, ctx.trip.baseIni, target);
  for (const parent of first.parents) await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'upgrade', parent), io, `the upgrade to ${parent}`);
  return first.parents.join(', ') || 'base';
}

/** Why the base built the committed way cannot go below `stair`, or undefined when it can. */
function stopAt(stair: Stair): string | undefined {
  if (stair.irreversible) return `its downgrade raises NotImplementedError (irreversible), so the walk cannot go below it`;
  if (stair.parents.length > 1) return `it merges ${stair.parents.join(' and ')}, and the walk does not go down through a merge`;
  return undefined;
}

/**
 * The base built from the committed code (base-db) is at the committed head: it is
 * downgraded one revision at a time as far as the downgrades go, or to just below
 * --from. A downgrade that fails on the way down is where the walk starts, said in
 * the reason; with --strict, or below --from, it is that revision's failure.
 */
async function downFromCommitted(ctx: StairwayContext, io: StepIO, first: Stair): Promise<NonNullable<StairwayContext['walk']['start']>> {
  const { order } = ctx.walk;
  const at = await (await engineFor(ctx.trip.baseDb.engine)).revisions(ctx.trip.baseDb);
  let index = at.length === 1 ? order.findIndex((s) => s.revision === at[0]) : -1;
  if (index < 0) throw usageError(`The base built from the committed code is at ${at.join(', ') || 'no revision'}, which is not one revision of the working tree's history; commit or restore the migrations and run again.`);
  const goal = order.indexOf(first) - 1;
  const how = ctx.preset.setup === 'command' ? "with the project's setup command" : 'from the models';
  const built = `the history does not start from an empty database (the ${ctx.preset.name} preset builds a new one ${how}), so the base is ${ctx.trip.base.revision ? `commit ${ctx.trip.base.revision.slice(0, 12)}'s head` : 'the committed head'} ${order[index]!.revision}, downgraded`;
  if (index < goal) {
    // The committed head is older than --from: up to just below it instead.
    await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'upgrade', order[goal]!.revision), io, `the upgrade to ${order[goal]!.revision}`);
    index = goal;
  }
  while (index > goal) {
    const stair = order[index]!;
    const stop = stopAt(stair);
    if (stop) {
      if (ctx.walk.from !== undefined) throw usageError(`--from ${ctx.walk.from} is below where the walk can start: ${stair.revision}, because ${stop}; give --from a revision after ${stair.revision}.`);
      return { revision: stair.revision, reason: `${built} to ${stair.revision}: ${stop}` };
    }
    try {
      await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'downgrade', belowOf(stair, ctx.walk.order)), io, `the downgrade of ${stair.revision}`);
    } catch (error) {
      if (!(error instanceof DevdbError)) throw error;
      const why = withoutRerunAdvice(error.message).replace(/^the downgrade of \S+ failed: /, '');
      if (ctx.walk.strict || ctx.walk.from !== undefined) {
        ctx.walk.results.push({ revision: stair.revision, file: shown(ctx, stair.file), upgrade: 'not run', downgrade: 'failed', reupgrade: 'not run', ms: 0 });
        throw new DevdbError(`Revision ${stair.revision} (${shown(ctx, stair.file)}) failed its downgrade on the way down to the start (${why}); make its downgrade() run${ctx.walk.strict ? ', or run without --strict to start the walk above it' : ''}.`, { exitCode: EXIT.failed, detail: error.detail });
      }
      // What a failed downgrade left half done is no start: the base is built again and taken straight down to this revision.
      io.output(`the downgrade of ${stair.revision} fails (${why}): the walk starts at ${stair.revision}`);
      await baseDb.run(ctx, io);
      await runTool(ctx, alembic(shown(ctx, ctx.trip.baseIni), 'downgrade', stair.revision), io, `the downgrade to ${stair.revision}`);
      return { revision: stair.revision, reason: `${built} to ${stair.revision}: its downgrade fails (${why}), so the walk cannot go below it`, downgradeFails: true };
    }
    io.output(`downgraded ${stair.revision}`);
    index -= 1;
  }
  const revision = index < 0 ? 'base' : order[index]!.revision;
  return { revision, reason: `${built} to ${revision}${ctx.walk.from ? ` (--from ${ctx.walk.from})` : ': every downgrade ran'}` };
}

/** Where verify --all starts: an empty database when the history replays from one, else the committed head downgraded as far as it goes. */
export const startDb: Step<StairwayContext> = {
  id: 'start-db',
  title: () => 'start-db: bring the base to where the walk starts',
  plan: (ctx) =>
    ctx.walk.mode === 'empty'
      ? [`create ${describeTarget(ctx.trip.baseDb, ctx.root)} empty`]
      : [`${planOnBase(ctx, 'downgrade', '-1')}, one revision at a time, as far as the downgrades go`],
  run: async (ctx, io) => {
    const { walk } = ctx;
    const first = walk.stairs[0]!;
    if (walk.mode === 'empty') {
      const revision = await fromEmpty(ctx, io, first);
      walk.start = { revision, reason: walk.from ? `--from ${walk.from}: the base is upgraded from empty to ${revision}` : 'the history replays from an empty database (setup: migrations), so the walk starts at base' };
    } else {
      walk.start = await downFromCommitted(ctx, io, first);
      const startAt = walk.order.findIndex((s) => s.revision === walk.start!.revision);
      walk.stairs = walk.stairs.filter((s) => walk.order.indexOf(s) > startAt);
    }
    walk.current = await inspect(ctx.trip.baseDb);
    io.output(`starts at ${walk.start.revision}`);
  },
};
