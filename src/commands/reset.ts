import { loadContext, type EngineOptions, type GlobalOptions } from '../context.js';
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
import { planSteps, runSteps } from '../workflow.js';

export interface ResetOptions extends GlobalOptions, EngineOptions {
  dryRun?: boolean;
  force?: boolean;
  freshConfig?: boolean;
  sqlLog?: 'on' | 'off';
}

/** The documented step 4 as steps: make-config, point-db, [sql-log], drop-db, setup-db, repo-scan. */
export function resetSteps(options: ResetOptions): Step[] {
  return [
    makeConfig({ fresh: options.freshConfig ?? false }),
    pointDb,
    ...(options.sqlLog ? [sqlLog(options.sqlLog === 'on')] : []),
    dropDb({ force: options.force ?? false }),
    setupDb,
    repoScan,
  ];
}

/**
 * Recreates the throwaway database from the current models: creates the throwaway
 * INI if missing, aims it at the throwaway database, deletes that database (only
 * if devdb made it), runs setup-db with the admin options, then repo-scan.
 */
export async function reset(options: ResetOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: !options.dryRun });
  const steps = resetSteps(options);
  const where = { database: describeTarget(ctx.throwawayDb, ctx.root), config: shown(ctx, ctx.throwawayIni) };
  if (options.dryRun) {
    const plans = await planSteps(steps, ctx);
    return {
      exitCode: EXIT.ok,
      report: { ok: true, command: 'reset', dryRun: true, steps: plans, ...where },
      summary: ['devdb reset --dry-run: nothing will be changed; the steps would be:', ...plans.flatMap((p) => [`${p.title}`, ...p.plan.map((line) => `    ${line}`)])],
    };
  }
  const { records, error } = await runSteps(steps, ctx, { json: options.json ?? false, verbose: ctx.verbose });
  if (error) {
    const report = errorReport(error);
    return {
      exitCode: report.exitCode,
      report: { ok: false, command: 'reset', steps: records, ...where, error: report },
      summary: errorLines(error, options.debug ?? false),
    };
  }
  const total = records.reduce((sum, s) => sum + s.ms, 0);
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'reset', steps: records, ...where },
    summary: [`devdb reset: throwaway database ${where.database} rebuilt in ${(total / 1000).toFixed(1)} s (config ${where.config}).`],
  };
}
