import { cacheable, cacheInputs, cacheKey, findEntry, storeEntry, type CacheEntry } from '../cache/reset-cache.js';
import type { Context } from '../context.js';
import { dropDb } from '../steps/drop-db.js';
import { makeConfig } from '../steps/make-config.js';
import { pointDb } from '../steps/point-db.js';
import { repoScan } from '../steps/repo-scan.js';
import { setupDb } from '../steps/setup-db.js';
import { sqlLog } from '../steps/sql-log.js';
import type { Step } from '../steps/step.js';
import { EngineRun, type Node } from '../workflow.js';

/** What the user chose for a reset. */
export interface ResetChoices {
  force?: boolean;
  freshConfig?: boolean;
  sqlLog?: 'on' | 'off';
  /** false with --no-cache: build with the tools even if a cached database matches (the cache is refreshed). */
  cache?: boolean;
}

/** The group whose steps a cached database serves. */
export const BUILD = 'Build the throwaway database';

/** The steps that prepare the throwaway INI and clear the old database: make-config, point-db, [sql-log], drop-db. */
function prepareSteps(options: ResetChoices): Step[] {
  return [
    makeConfig({ fresh: options.freshConfig ?? false }),
    pointDb,
    ...(options.sqlLog ? [sqlLog(options.sqlLog === 'on')] : []),
    dropDb({ force: options.force ?? false }),
  ];
}

/** The documented step 4 as steps: make-config, point-db, [sql-log], drop-db, setup-db, repo-scan; what --dry-run plans. */
export const resetSteps = (options: ResetChoices): Step[] => [...prepareSteps(options), setupDb(), repoScan()];

/** setup-db and repo-scan: served from a cached database, or run, keeping what they print for the cache. */
function buildSteps(ctx: Context, hit: CacheEntry | undefined, output: Record<string, string>): Step[] {
  if (!hit) return [setupDb({ keep: (text) => (output['setup-db'] = text) }), repoScan({ keep: (text) => (output['repo-scan'] = text) })];
  return [setupDb({ cached: hit }), ...(repoScan().enabled?.(ctx) === false ? [] : [repoScan({ cached: hit })])];
}

/**
 * reset as one tree: "Prepare the throwaway database" (make-config, point-db,
 * [sql-log], drop-db), then "Build the throwaway database" (setup-db, repo-scan, or
 * the cached database restored). The cache is keyed between the two, once the INI is
 * final, and a database is stored only if nothing it depends on changed while it was built.
 */
export function resetLoop(ctx: Context, options: ResetChoices): { nodes: Node[]; run: EngineRun; hit(): CacheEntry | undefined } {
  const run = new EngineRun(ctx);
  const cache: { key?: string; hit?: CacheEntry } = {};
  const output: Record<string, string> = {};
  const nodes: Node[] = [
    { group: 'Prepare the throwaway database', run, steps: prepareSteps(options) },
    {
      hook: 'look up the cache',
      when: () => !run.error,
      run: async () => {
        cache.key = cacheable(ctx) ? cacheKey(await cacheInputs(ctx)) : undefined;
        cache.hit = cache.key && options.cache !== false ? await findEntry(ctx, cache.key) : undefined;
      },
    },
    { group: BUILD, run, steps: () => buildSteps(ctx, cache.hit, output) },
    {
      hook: 'store the database in the cache',
      when: () => !run.error && cache.key !== undefined && !cache.hit,
      run: async () => {
        const inputs = await cacheInputs(ctx);
        if (cacheKey(inputs) === cache.key) await storeEntry(ctx, inputs, output);
      },
    },
  ];
  return { nodes, run, hit: () => cache.hit };
}
