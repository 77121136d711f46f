import { engineFor } from '../engines/index.js';
import { dropOwned, makeOwned, ownership } from '../engines/ownership.js';
import { describeTarget, sameDatabase, type DatabaseTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import type { Context } from '../context.js';
import { assertNotDevelopment, type Step } from './step.js';

/** The line a step prints when it dropped a database an earlier, killed run had half made. */
export const halfMadeNote = (ctx: Context, target: DatabaseTarget): string =>
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
 * On a server, the databases a cycle or verify made are dropped when it ends,
 * passed or failed: a server is shared, and nothing of devdb's should pile up there.
 * Returns their names.
 */
export async function dropServerWork(ctx: Context, targets: DatabaseTarget[]): Promise<string[]> {
  const dropped: string[] = [];
  for (const target of targets) {
    if (target.file || sameDatabase(target, ctx.devDb)) continue;
    if (['dropped', 'half-made'].includes(await dropOwned(ctx.stateDir, target))) dropped.push(describeTarget(target, ctx.root));
  }
  return dropped;
}

/**
 * Step 4's `rm temp.db`, made safe (see clearDatabase). On a server the tools need
 * the database to exist, so devdb creates it again, empty and marked as its own.
 */
export function dropDb({ force }: { force: boolean }): Step {
  const server = (ctx: Context): boolean => ctx.throwawayDb.file === undefined;
  return {
    id: 'drop-db',
    title: (ctx) => `drop-db: ${server(ctx) ? 'drop and recreate empty' : 'delete'} ${describeTarget(ctx.throwawayDb, ctx.root)}`,
    skip: async (ctx) => (!server(ctx) && !(await (await engineFor('sqlite')).exists(ctx.throwawayDb)) ? 'nothing to delete' : false),
    plan: async (ctx) => {
      assertNotDevelopment(ctx, ctx.throwawayDb, 'throwaway database');
      const exists = await (await engineFor(ctx.throwawayDb.engine)).exists(ctx.throwawayDb);
      const name = describeTarget(ctx.throwawayDb, ctx.root);
      if (server(ctx)) return [...(exists ? [`drop ${name}`] : []), `create ${name} empty`];
      return exists ? [`delete ${name}`] : ['nothing to delete'];
    },
    run: async (ctx, io) => {
      const note = await clearDatabase(ctx, ctx.throwawayDb, 'throwaway database', force);
      if (note) io.output(note);
      if (server(ctx)) await makeOwned(ctx.stateDir, ctx.throwawayDb);
    },
  };
}
