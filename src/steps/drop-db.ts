import { engineFor } from '../engines/index.js';
import { makeOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import type { Context } from '../context.js';
import { clearDatabase } from './shared/databases.js';
import { assertNotDevelopment, type Step } from './step.js';

/**
 * Documented step 4's `rm temp.db`, made safe (see clearDatabase). On a server the tools need
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
