import { loadContext, type EngineOptions, type GlobalOptions } from '../context.js';
import { describeTarget } from '../engines/url.js';
import { EXIT } from '../errors.js';
import { errorLines, errorReport, type Outcome } from '../report/output.js';
import { BUILD, resetLoop, resetSteps, type ResetChoices } from '../loops/reset.js';
import { shown } from '../steps/step.js';
import { planSteps, runLoop } from '../workflow.js';

export interface ResetOptions extends GlobalOptions, EngineOptions, ResetChoices {
  dryRun?: boolean;
}

/**
 * Recreates the throwaway database from the current models: creates the throwaway
 * INI if missing, aims it at the throwaway database, deletes that database (only
 * if devdb made it), runs setup-db with the admin options, then repo-scan. When
 * nothing those two read has changed since a reset built a database (models,
 * migrations, config, the tools' versions, the repositories folder), the cached
 * copy of it is restored instead (src/loops/reset.ts).
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
  const loop = resetLoop(ctx, options);
  await runLoop(loop.nodes, { json: options.json ?? false, verbose: ctx.verbose });
  const hit = loop.hit();
  const records = loop.run.records.map((record) => (hit && record.group === BUILD ? { ...record, cached: true as const } : record));
  const { error } = loop.run;
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
