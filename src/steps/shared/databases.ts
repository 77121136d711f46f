import { engineFor } from '../../engines/index.js';
import { dropOwned, ownership } from '../../engines/ownership.js';
import { describeTarget, sameDatabase, type DatabaseTarget } from '../../engines/url.js';
import { usageError } from '../../errors.js';
import type { Context } from '../../context.js';
import { assertNotDevelopment, type CleanUp } from '../step.js';

/** The line a step prints when it dropped a database an earlier, killed run had half made. */
const halfMadeNote = (ctx: Context, target: DatabaseTarget): string =>
  `dropped ${describeTarget(target, ctx.root)}: an earlier run was stopped while creating it, before devdb could mark it as its own`;

/**
 * Removes a database devdb is about to rebuild: only one devdb created (any SQLite
 * file with --force), never the development one. A server database with devdb's
 * name that devdb did not create is refused even with --force: it is someone else's.
 * Returns a line to show when the database was one a killed run had half made.
 */
export async function clearDatabase(ctx: Context, target: DatabaseTarget, what: string, force: boolean): Promise<string | undefined> {
  assertNotDevelopment(ctx, target, what);
  const engine = await engineFor(target.engine);
  if (!(await engine.exists(target))) return undefined;
  const whose = await ownership(ctx.stateDir, target);
  if (whose === 'foreign') {
    if (!target.file) {
      throw usageError(`The database ${describeTarget(target, ctx.root)} exists but devdb did not create it; devdb will not drop it, so drop or rename it yourself if nobody needs it.`);
    }
    if (!force) throw usageError(`${describeTarget(target, ctx.root)} exists but devdb did not create it; move it away, or run again with --force to delete it.`);
  }
  await engine.drop(target);
  return whose === 'half-made' ? halfMadeNote(ctx, target) : undefined;
}

/**
 * Server drops in flight, by URL. On Ctrl-C the interrupt's clean-up and the end of the
 * round trip drop the same databases at once; sharing one drop keeps their two rewrites
 * of state.json from racing, and both hear what was dropped.
 */
const dropping = new Map<string, ReturnType<typeof dropOwned>>();

function dropOnce(ctx: Context, target: DatabaseTarget): ReturnType<typeof dropOwned> {
  let drop = dropping.get(target.url);
  if (!drop) {
    drop = dropOwned(ctx.stateDir, target).finally(() => dropping.delete(target.url));
    dropping.set(target.url, drop);
  }
  return drop;
}

/**
 * On a server, the databases a cycle or verify made are dropped when it ends,
 * passed or failed: a server is shared, and nothing of devdb's should pile up there.
 * Returns their names.
 */
export async function dropServerWork(ctx: Context, targets: DatabaseTarget[]): Promise<string[]> {
  const dropped: string[] = [];
  for (const target of targets) {
    if (target.file || sameDatabase(target, ctx.devDb)) continue;
    if (['dropped', 'half-made'].includes(await dropOnce(ctx, target))) dropped.push(describeTarget(target, ctx.root));
  }
  return dropped;
}

/** A stopped step's half-built throwaway database, a SQLite file: removed if devdb made it. */
export const removeHalfBuilt = (ctx: Context): CleanUp => {
  const name = describeTarget(ctx.throwawayDb, ctx.root);
  return {
    what: `remove the half-built ${name}`,
    remove: async (done) => {
      if ((await dropOwned(ctx.stateDir, ctx.throwawayDb)) === 'dropped') done(`removed the half-built ${name} ("devdb reset" rebuilds it)`);
    },
  };
};

/** Databases on a server a stopped step was making, dropped as the end of a round trip drops them. */
export const dropOnServer = (ctx: Context, targets: DatabaseTarget[]): CleanUp => ({
  what: 'drop the databases this run made on the server',
  remove: async (done) => {
    const dropped = await dropServerWork(ctx, targets);
    if (dropped.length > 0) done(`dropped ${dropped.join(', ')}`);
  },
});
