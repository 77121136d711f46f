import Table from 'cli-table3';
import pc from 'picocolors';
import { describeTarget } from '../engines/url.js';
import { EXIT } from '../errors.js';
import { changesToJson, renderChanges } from '../schema/render.js';
import type { CycleContext } from '../steps/shared/round-trip.js';
import { shown } from '../steps/step.js';
import type { EngineRun } from '../workflow.js';
import { errorLines, errorReport, type Outcome } from './output.js';

const MARK = { passed: pc.green('✔'), failed: pc.red('✖'), allowed: pc.yellow('≈'), skipped: pc.yellow('–') };

/** The final report of cycle or verify: checks, schema differences, lint findings, rows, and the error if any. */
export function roundTripOutcome(command: 'cycle' | 'verify' | 'apply', run: EngineRun<CycleContext>, debug: boolean): Outcome {
  const { ctx } = run;
  const { trip } = ctx;
  const error = run.error === undefined ? undefined : errorReport(run.error);
  const migration = trip.migration ? shown(ctx, trip.migration.file) : null;
  const report = {
    ok: error === undefined,
    command,
    engine: ctx.engine,
    steps: run.records,
    migration,
    revision: trip.migration?.script.revision ?? null,
    noChange: trip.noChange,
    base: trip.base.kind,
    checks: trip.checks.map((c) => ({ id: c.id, title: c.title, status: c.status })),
    diffs: trip.checks
      .filter((c) => c.changes.length + c.allowed.length > 0)
      .map((c) => ({ check: c.id, status: c.status, changes: changesToJson(c.changes), allowed: changesToJson(c.allowed), fixes: c.fixes, misses: c.misses })),
    lint: trip.lint,
    rows: trip.rows,
    downgradeLosses: trip.downgradeLosses,
    shapes: trip.shapes,
    values: { lost: trip.values.lost, truncated: trip.values.truncated, downgradeLost: trip.values.downgradeLost, warnings: trip.values.warnings },
    dropped: trip.dropped,
    ...(error ? { error } : {}),
  };
  const color = pc.isColorSupported;
  const lines: string[] = [];
  if (trip.noChange) lines.push(`devdb ${command}: no change detected in the models; no migration was written.`);
  if (migration) lines.push('', `migration ${migration} (revision ${trip.migration?.script.revision})`);
  for (const check of trip.checks) {
    lines.push(`${MARK[check.status]} ${check.title}: ${check.status}`);
    if (check.changes.length > 0) lines.push(renderChanges(check.changes, { color, sides: check.sides }), ...fixLines(check));
    if (check.allowed.length > 0) lines.push(`  allowed on purpose (the downgrade keeps what the upgrade added):`, renderChanges(check.allowed, { color, sides: check.sides }));
  }
  for (const finding of trip.lint) {
    const severity = finding.severity === 'error' ? pc.red(finding.severity) : finding.severity === 'warning' ? pc.yellow(finding.severity) : pc.dim(finding.severity);
    lines.push(`${severity} ${finding.rule} (line ${finding.line}): ${finding.message}`, pc.dim(`    → ${finding.suggestion}`));
  }
  for (const loss of trip.downgradeLosses) lines.push(`the downgrade leaves ${loss.after} of ${loss.before} rows in ${loss.table}`);
  for (const loss of trip.values.downgradeLost) lines.push(`the downgrade does not bring back ${loss.rows} value${loss.rows === 1 ? '' : 's'} of ${loss.table}.${loss.column}`);
  for (const loss of trip.values.lost.filter((l) => l.allowed)) lines.push(pc.yellow(`data loss allowed: ${loss.column === null ? `table ${loss.table} (${loss.rows} rows)` : `${loss.table}.${loss.column} (${loss.rows} values)`}`));
  for (const warning of trip.values.warnings) lines.push(`${pc.yellow('warning')} ${warning}`);
  if (trip.dropped.length > 0) lines.push(pc.dim(`dropped ${trip.dropped.join(', ')}`));
  if (error) {
    lines.push('', ...errorLines(run.error, debug));
  } else if (!trip.noChange) {
    const applied = run.records.some((r) => r.id === 'apply' && r.status === 'passed');
    const irreversible = trip.checks.some((c) => c.id === 'downgrade' && c.status === 'skipped');
    lines.push(
      '',
      `devdb ${command}: the migration passed ${irreversible ? 'the upgrade (its downgrade is irreversible, so downgrade and upgrade again were skipped)' : 'upgrade, downgrade and upgrade again'} against the models on ${ctx.engine}${applied ? `; ${describeTarget(ctx.devDb, ctx.root)} is upgraded to head (snapshot kept, see "devdb snapshot list")` : ''}.`,
    );
  }
  return { exitCode: error?.exitCode ?? EXIT.ok, report, summary: lines };
}

/** Beside a check's table: each difference in words with the operation that closes it, then what autogenerate misses by design. */
function fixLines(check: CycleContext['trip']['checks'][number]): string[] {
  const lines = check.fixes.flatMap((fix) => [
    `  ${fix.difference}${fix.ops.length > 0 ? `; to close it, in ${fix.in}():` : '.'}`,
    ...fix.ops.map((op) => pc.cyan(`      ${op}`)),
    ...(fix.ops.length > 0 && fix.undo?.length ? ['    and in downgrade():', ...fix.undo.map((op) => pc.cyan(`      ${op}`))] : []),
  ]);
  for (const miss of check.misses) lines.push(`  ${miss.table}${miss.object ? `.${miss.object}` : ''}: ${miss.reason}; ${miss.fix}.`);
  return lines;
}

/** The steps of a round trip as rows of the side-by-side table, in the order they run. */
const COLUMNS = [
  { id: 'lint', title: 'lint' },
  { id: 'upgrade', title: 'upgrade = models' },
  { id: 'downgrade', title: 'downgrade = base' },
  { id: 'reupgrade', title: 'upgrade again = models' },
  { id: 'rows', title: 'no rows lost' },
  { id: 'values', title: 'no values lost' },
] as const;

/** One engine's result for one row of the table: the check's status, else the step's. */
function cell(run: EngineRun<CycleContext>, id: string): string {
  const check = run.ctx.trip.checks.find((c) => c.id === id);
  if (check) return `${MARK[check.status]} ${check.status}`;
  const step = run.records.find((r) => r.id === id);
  if (!step) return pc.dim('not run');
  return step.status === 'passed' ? `${MARK.passed} passed` : step.status === 'failed' ? `${MARK.failed} failed` : pc.dim(step.status);
}

/**
 * The report of a round trip on several engines (--engine all): a table with a
 * column per engine, then each failed engine's reason, named. JSON carries every
 * engine's own report.
 */
export function acrossEngines(command: 'cycle' | 'verify', runs: EngineRun<CycleContext>[], debug: boolean): Outcome {
  const outcomes = runs.map((run) => ({ engine: run.ctx.engine, outcome: roundTripOutcome(command, run, debug) }));
  const failed = outcomes.filter((o) => o.outcome.exitCode !== EXIT.ok);
  const exitCode = failed.length === 0 ? EXIT.ok : Math.max(...failed.map((o) => o.outcome.exitCode)) === EXIT.usage ? EXIT.usage : EXIT.failed;
  const table = new Table({ head: ['', ...runs.map((r) => r.ctx.engine)], style: { head: [], border: [] } });
  for (const column of COLUMNS) table.push([column.title, ...runs.map((run) => cell(run, column.id))]);
  const migration = runs[0]?.ctx.trip.migration;
  const lines = [
    ...(migration ? [`migration ${shown(runs[0]!.ctx, migration.file)} (revision ${migration.script.revision}) on ${runs.length} engines:`] : []),
    table.toString(),
    ...failed.flatMap((f) => ['', `${pc.bold(f.engine)}:`, ...f.outcome.summary.filter((line) => line !== '')]),
  ];
  if (failed.length === 0) {
    const applied = runs[0]?.records.some((r) => r.id === 'apply' && r.status === 'passed');
    lines.push('', `devdb ${command}: the migration passed on ${runs.map((r) => r.ctx.engine).join(', ')}${applied ? '; the development database is upgraded to head (snapshot kept)' : ''}.`);
  } else {
    lines.push('', `devdb ${command}: the migration failed on ${failed.map((f) => f.engine).join(', ')}${failed.length < runs.length ? ` and passed on ${outcomes.filter((o) => o.outcome.exitCode === EXIT.ok).map((o) => o.engine).join(', ')}` : ''}.`);
  }
  return {
    exitCode,
    report: { ok: failed.length === 0, command, engines: outcomes.map((o) => o.outcome.report) },
    summary: lines,
  };
}

/** The report of a round trip: side by side with --engine all (even when the first engine stopped it), else the one engine's. */
export function proofOutcome(command: 'cycle' | 'verify', runs: EngineRun<CycleContext>[], all: boolean, debug: boolean): Outcome {
  return all ? acrossEngines(command, runs, debug) : roundTripOutcome(command, runs[0]!, debug);
}
