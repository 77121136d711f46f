import fs from 'fs-extra';
import { ownsDatabase } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import { assertNotDevelopment, type Step } from './step.js';

/** SQLite keeps these beside a database; they go with it. */
const SIDECARS = ['', '-journal', '-wal', '-shm'];

/** Step 4's `rm temp.db`, made safe: only a database devdb created, or any with --force; never the development one. */
export function dropDb({ force }: { force: boolean }): Step {
  return {
    id: 'drop-db',
    title: (ctx) => `drop-db: delete ${describeTarget(ctx.throwawayDb, ctx.root)}`,
    skip: (ctx) => (ctx.throwawayDb.file && !fs.existsSync(ctx.throwawayDb.file) ? 'nothing to delete' : false),
    plan: (ctx) => {
      assertNotDevelopment(ctx, ctx.throwawayDb, 'throwaway database');
      const file = ctx.throwawayDb.file;
      return file && fs.existsSync(file) ? [`delete ${describeTarget(ctx.throwawayDb, ctx.root)}`] : ['nothing to delete'];
    },
    run: async (ctx) => {
      assertNotDevelopment(ctx, ctx.throwawayDb, 'throwaway database');
      const file = ctx.throwawayDb.file as string;
      if (!force && !(await ownsDatabase(ctx.stateDir, ctx.throwawayDb))) {
        throw usageError(
          `${describeTarget(ctx.throwawayDb, ctx.root)} exists but devdb did not create it; move it away, or run again with --force to delete it.`,
        );
      }
      for (const suffix of SIDECARS) await fs.remove(file + suffix);
    },
  };
}
