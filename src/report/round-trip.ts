import pc from 'picocolors';
import { EXIT } from '../errors.js';
import { changesToJson, renderChanges } from '../schema/render.js';
import type { CycleContext } from '../steps/round-trip.js';
import { shown } from '../steps/step.js';
import type { StepsResult } from '../workflow.js';
import { errorLines, errorReport, type Outcome } from './output.js';

const MARK = { passed: pc.green('✔'), failed: pc.red('✖'), allowed: pc.yellow('≈') };

/** The final report of cycle or verify: checks, schema differences, lint findings, rows, and the error if any. */
export function roundTripOutcome(command: 'cycle' | 'verify', ctx: CycleContext, result: StepsResult, debug: boolean): Outcome {
  const { trip } = ctx;
  const error = result.error === undefined ? undefined : errorReport(result.error);
  const migration = trip.migration ? shown(ctx, trip.migration.file) : null;
  const report = {
    ok: error === undefined,
    command,
    steps: result.records,
    migration,
    revision: trip.migration?.script.revision ?? null,
    noChange: trip.noChange,
    base: trip.base.kind,
    checks: trip.checks.map((c) => ({ id: c.id, title: c.title, status: c.status })),
    diffs: trip.checks
      .filter((c) => c.changes.length + c.allowed.length > 0)
      .map((c) => ({ check: c.id, status: c.status, changes: changesToJson(c.changes), allowed: changesToJson(c.allowed) })),
    lint: trip.lint,
    rows: trip.rows,
    downgradeLosses: trip.downgradeLosses,
    ...(error ? { error } : {}),
  };
  const color = pc.isColorSupported;
  const lines: string[] = [];
  if (trip.noChange) lines.push(`devdb ${command}: no change detected in the models; no migration was written.`);
  if (migration) lines.push('', `migration ${migration} (revision ${trip.migration?.script.revision})`);
  for (const check of trip.checks) {
    lines.push(`${MARK[check.status]} ${check.title}: ${check.status}`);
    if (check.changes.length > 0) lines.push(renderChanges(check.changes, { color }));
    if (check.allowed.length > 0) lines.push(`  allowed on purpose (the downgrade keeps what the upgrade added):`, renderChanges(check.allowed, { color }));
  }
  for (const finding of trip.lint) {
    const severity = finding.severity === 'error' ? pc.red(finding.severity) : finding.severity === 'warning' ? pc.yellow(finding.severity) : pc.dim(finding.severity);
    lines.push(`${severity} ${finding.rule} (line ${finding.line}): ${finding.message}`, pc.dim(`    → ${finding.suggestion}`));
  }
  for (const loss of trip.downgradeLosses) lines.push(`the downgrade leaves ${loss.after} of ${loss.before} rows in ${loss.table}`);
  if (error) {
    lines.push('', ...errorLines(result.error, debug));
  } else if (!trip.noChange) {
    const applied = result.records.some((r) => r.id === 'apply' && r.status === 'passed');
    lines.push(
      '',
      `devdb ${command}: the migration passed upgrade, downgrade and upgrade again against the models${applied ? `; ${shown(ctx, ctx.devDb.file ?? ctx.devDb.url)} is upgraded to head (snapshot kept, see "devdb snapshot list")` : ''}.`,
    );
  }
  return { exitCode: error?.exitCode ?? EXIT.ok, report, summary: lines };
}
