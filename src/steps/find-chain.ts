import fs from 'fs-extra';
import { usageError } from '../errors.js';
import { isIrreversible } from '../migration/irreversible.js';
import { readMigrations } from '../migration/script.js';
import { parentsFirst, walkRange } from '../migration/walk.js';
import { readRevisions } from '../python/alembic.js';
import { detectVcs } from '../vcs/index.js';
import type { Stair, StairwayContext } from './shared/stairway.js';
import { shown, type Step } from './step.js';

async function readStairs(ctx: StairwayContext, revisions: { revision: string; downRevisions: string[]; path: string }[]): Promise<Stair[]> {
  const scripts = await readMigrations(ctx.python, revisions.map((r) => r.path), ctx.alembicDir);
  return Promise.all(
    revisions.map(async (r, i) => {
      const script = scripts[i]!;
      return { revision: r.revision, file: r.path, parents: r.downRevisions, script, irreversible: isIrreversible(script, await fs.readFile(r.path, 'utf8')) };
    }),
  );
}

/** verify --all's first step: the whole history, parents first, and the part --from and --to keep. */
export const findChain: Step<StairwayContext> = {
  id: 'find-chain',
  title: () => 'find-chain: read the history of the migrations',
  plan: (ctx) => [`read every revision through ${shown(ctx, ctx.devIni)} with Alembic's ScriptDirectory, parents first`],
  run: async (ctx, io) => {
    if (ctx.walk.mode === 'committed' && !detectVcs(ctx.root)) {
      throw usageError(`The history does not start from an empty database, so verify --all starts from the head built from the committed code, and ${ctx.root} is in neither git nor Mercurial; commit the project first.`);
    }
    const { revisions } = await readRevisions(ctx.python, ctx.devIni, ctx.alembicDir, (file) => shown(ctx, file));
    if (revisions.length === 0) throw usageError('There is no migration to verify yet; run "devdb cycle -m MESSAGE" to generate one.');
    const order = parentsFirst(revisions);
    const { walk } = ctx;
    const kept = new Set(walkRange(order, walk.from, walk.to).map((r) => r.revision));
    walk.order = await readStairs(ctx, order);
    walk.stairs = walk.order.filter((s) => kept.has(s.revision));
    io.output(`${order.length} revisions, ${walk.stairs.length} to walk`);
  },
};
