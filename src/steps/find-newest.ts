import path from 'node:path';
import { listSnapshots } from '../engines/snapshots.js';
import { usageError } from '../errors.js';
import { readMigration } from '../migration/script.js';
import { engineFor } from '../engines/index.js';
import { detectVcs, isCommitted } from '../vcs/index.js';
import { readHeadsPlan, singleHead } from './preflight.js';
import type { CycleContext } from './shared/round-trip.js';
import { shown, type Step } from './step.js';

/**
 * verify's first step (documented step 6, after a hand edit): the newest migration and the database before it, in this
 * order of preference: the development database if it is at the parent revision;
 * the snapshot devdb took before applying it; the committed code if the migration
 * is not committed yet.
 */
export const findNewest: Step<CycleContext> = {
  id: 'find-newest',
  title: () => 'find-newest: find the newest migration and the database before it',
  plan: (ctx) => [readHeadsPlan(ctx)],
  run: async (ctx) => {
    const file = (await singleHead(ctx))?.path;
    if (!file) throw usageError('There is no migration to verify yet; run "devdb cycle -m MESSAGE" to generate one.');
    const script = await readMigration(ctx.python, path.resolve(ctx.root, file), ctx.alembicDir);
    ctx.trip.migration = { file: script.file, script };
    const parent = typeof script.downRevision === 'string' ? script.downRevision : undefined;
    if (!parent) throw usageError(`The newest migration ${shown(ctx, file)} has ${script.downRevision ? 'several parents (a merge)' : 'no parent'}; devdb verifies a migration that follows exactly one other.`);
    const vcs = detectVcs(ctx.root);
    // Asked only where the answer decides: a development database at the parent needs no VCS.
    const committed = async (): Promise<boolean> => vcs !== undefined && (await isCommitted(vcs, file));
    if (ctx.trip.base.kind === 'vcs') {
      if (ctx.trip.base.revision || !(await committed())) return;
      throw usageError(
        `The newest migration ${shown(ctx, file)} is committed, so the committed code cannot give the database before it; verify it on ${ctx.devDb.engine}, where the development database or its snapshot is the base.`,
      );
    }
    const current = await (await engineFor(ctx.devDb.engine)).revisions(ctx.devDb);
    if (current.length === 1 && current[0] === parent) return;
    const snapshot = (await listSnapshots(ctx.stateDir, ctx.devDb)).reverse().find((s) => s.revisions.length === 1 && s.revisions[0] === parent);
    if (snapshot) {
      ctx.trip.base = { kind: 'snapshot', snapshot };
      return;
    }
    if (vcs && !(await committed())) {
      ctx.trip.base.kind = 'vcs';
      return;
    }
    throw usageError(`No database before ${script.revision} is at hand (the development database is at ${current.join(', ') || 'no revision'}, no snapshot is at ${parent}); run "devdb verify --base vcs" or downgrade a copy yourself.`);
  },
};
