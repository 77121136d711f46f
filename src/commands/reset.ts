import { cacheable, cacheInputs, cacheKey, findEntry, storeEntry, type CacheEntry } from '../cache/reset-cache.js';
import { loadContext, type Context, type EngineOptions, type GlobalOptions } from '../context.js';
import { describeTarget } from '../engines/url.js';
import { EXIT } from '../errors.js';
import { errorLines, errorReport, type Outcome } from '../report/output.js';
import { dropDb } from '../steps/drop-db.js';
import { makeConfig } from '../steps/make-config.js';
import { pointDb } from '../steps/point-db.js';
import { repoScan } from '../steps/repo-scan.js';
import { setupDb } from '../steps/setup-db.js';
import { shown, type Step } from '../steps/step.js';
import { sqlLog } from '../steps/sql-log.js';
import { planSteps, runSteps, type StepRecord } from '../workflow.js';

export interface ResetOptions extends GlobalOptions, EngineOptions {
  dryRun?: boolean;
  force?: boolean;
  freshConfig?: boolean;
  sqlLog?: 'on' | 'off';
  /** false with --no-cache: build with the tools even if a cached database matches (the cache is refreshed). */
  cache?: boolean;
}

/** The steps that prepare the throwaway INI and clear the old database: make-config, point-db, [sql-log], drop-db. */
function prepareSteps(options: ResetOptions): Step[] {
  return [
    makeConfig({ fresh: options.freshConfig ?? false }),
    pointDb,
    ...(options.sqlLog ? [sqlLog(options.sqlLog === 'on')] : []),
    dropDb({ force: options.force ?? false }),
  ];
}

/** The documented step 4 as steps: make-config, point-db, [sql-log], drop-db, setup-db, repo-scan. */
export function resetSteps(options: ResetOptions): Step[] {
  return [...prepareSteps(options), setupDb(), repoScan()];
}

/** setup-db and repo-scan: served from a cached database, or run, keeping what they print for the cache. */
function buildSteps(ctx: Context, hit: CacheEntry | undefined, output: Record<string, string>): Step[] {
  if (!hit) return [setupDb({ keep: (text) => (output['setup-db'] = text) }), repoScan({ keep: (text) => (output['repo-scan'] = text) })];
  return [setupDb({ cached: hit }), ...(repoScan().enabled?.(ctx) === false ? [] : [repoScan({ cached: hit })])];
}

/**
 * Recreates the throwaway database from the current models: creates the throwaway
 * INI if missing, aims it at the throwaway database, deletes that database (only
 * if devdb made it), runs setup-db with the admin options, then repo-scan. When
 * nothing those two read has changed since a reset built a database (models,
 * migrations, config, the tools' versions, the repositories folder), the cached
 * copy of it is restored instead.
 */
export async function reset(options: ResetOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: !options.dryRun });
  const where = { database: describeTarget(ctx.throwawayDb, ctx.root), config: shown(ctx, ctx.throwawayIni) };
  if (options.dryRun) {
    const plans = await planSteps(resetSteps(options), ctx);
    return {
      exitCode: EXIT.ok,
      report: { ok: true, command: 'reset', dryRun: true, steps: plans, ...where },
      summary: ['devdb reset --dry-run: nothing will be changed; the steps would be:', ...plans.flatMap((p) => [`${p.title}`, ...p.plan.map((line) => `    ${line}`)])],
    };
  }
  const render = { json: options.json ?? false, verbose: ctx.verbose };
  const records: (StepRecord & { cached?: true })[] = [];
  const prepared = await runSteps(prepareSteps(options), ctx, render);
  records.push(...prepared.records);
  let error = prepared.error;
  let hit: CacheEntry | undefined;
  if (!error) {
    // Keyed once the INI is final; the database is cached only if nothing changed while it was built.
    const key = cacheable(ctx) ? cacheKey(await cacheInputs(ctx)) : undefined;
    hit = key && options.cache !== false ? await findEntry(ctx, key) : undefined;
    const output: Record<string, string> = {};
    const built = await runSteps(buildSteps(ctx, hit, output), ctx, render);
    records.push(...built.records.map((record) => (hit ? { ...record, cached: true as const } : record)));
    error = built.error;
    if (!error && key && !hit && cacheKey(await cacheInputs(ctx)) === key) await storeEntry(ctx, key, output);
  }
  const cache = hit ? { hit: true, key: hit.key, builtAt: hit.createdAt } : { hit: false };
  if (error) {
    const report = errorReport(error);
    return {
      exitCode: report.exitCode,
      report: { ok: false, command: 'reset', steps: records, ...where, cache, error: report },
      summary: errorLines(error, options.debug ?? false),
    };
  }
  const total = records.reduce((sum, s) => sum + s.ms, 0);
  const how = hit ? `restored from the cache (built ${hit.createdAt.slice(0, 16).replace('T', ' ')} UTC; nothing it depends on changed since; --no-cache rebuilds it)` : 'rebuilt';
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'reset', steps: records, ...where, cache },
    summary: [`devdb reset: throwaway database ${where.database} ${how} in ${(total / 1000).toFixed(1)} s (config ${where.config}).`],
  };
}
