import type { Context } from '../context.js';
import { recordOwned } from '../engines/ownership.js';
import { describeTarget } from '../engines/url.js';
import { shown, type Step, type StepIO } from '../steps/step.js';
import { restoreEntry, type CacheEntry } from './reset-cache.js';

const where = (ctx: Context, entry: CacheEntry): string => `${shown(ctx, entry.file)}, built ${entry.createdAt.slice(0, 16).replace('T', ' ')} UTC`;

/** With --verbose, what the tool printed when the cached database was built, said to be that. */
function replay(ctx: Context, io: StepIO, entry: CacheEntry, id: string): void {
  const output = entry.output[id];
  if (!ctx.verbose || !output) return;
  io.output(`(from the cache: what ${id} printed when it built this database)`);
  for (const line of output.split('\n')) io.output(line);
}

/** setup-db, served from the cache: the cached database copied into a fresh throwaway database devdb owns. */
export const restoredSetupDb = (entry: CacheEntry): Step => ({
  id: 'setup-db',
  title: (ctx) => `setup-db: restore ${describeTarget(ctx.throwawayDb, ctx.root)} from the cache (${where(ctx, entry)}); nothing it depends on changed`,
  plan: () => [],
  run: async (ctx, io) => {
    await recordOwned(ctx.stateDir, ctx.throwawayDb);
    await restoreEntry(ctx, entry);
    await recordOwned(ctx.stateDir, ctx.throwawayDb);
    replay(ctx, io, entry, 'setup-db');
  },
});

/** repo-scan, served from the cache: the cached database was scanned when it was built, and the repositories folder is as it was then. */
export const restoredRepoScan = (entry: CacheEntry): Step => ({
  id: 'repo-scan',
  title: (ctx) => `repo-scan: served from the cache (${shown(ctx, ctx.repos)} is as it was when the cached database was scanned)`,
  plan: () => [],
  run: async (ctx, io) => {
    replay(ctx, io, entry, 'repo-scan');
  },
});
