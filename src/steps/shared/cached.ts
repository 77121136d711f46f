import { restoreEntry, type CacheEntry } from '../../cache/reset-cache.js';
import type { Context } from '../../context.js';
import { recordOwned } from '../../engines/ownership.js';
import { shown, type StepIO } from '../step.js';

/** How a reset runs setup-db and repo-scan: `keep` gets what the tool printed, to cache with the database; with `cached`, that cached database stands in for the tool's work. */
export interface CacheableRun {
  keep?: (output: string) => void;
  cached?: CacheEntry;
}

/** Where a cached database is and when it was built, for titles. */
export const where = (ctx: Context, entry: CacheEntry): string => `${shown(ctx, entry.file)}, built ${entry.createdAt.slice(0, 16).replace('T', ' ')} UTC`;

/** With --verbose, what the tool printed when the cached database was built, said to be that. */
export function replay(ctx: Context, io: StepIO, entry: CacheEntry, id: string): void {
  const output = entry.output[id];
  if (!ctx.verbose || !output) return;
  io.output(`(from the cache: what ${id} printed when it built this database)`);
  for (const line of output.split('\n')) io.output(line);
}

/** The cached database copied into a fresh throwaway database devdb owns. */
export async function restoreCached(ctx: Context, entry: CacheEntry): Promise<void> {
  await recordOwned(ctx.stateDir, ctx.throwawayDb);
  await restoreEntry(ctx, entry);
  await recordOwned(ctx.stateDir, ctx.throwawayDb);
}
