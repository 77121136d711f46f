import pc from 'picocolors';
import { EXIT } from '../errors.js';
import { changesToJson, renderChanges } from '../schema/render.js';
import type { StairResult, StairStatus, StairwayContext } from '../steps/shared/stairway.js';
import type { EngineRun } from '../workflow.js';
import { errorLines, errorReport, type Outcome } from './output.js';

const MARK: Record<StairStatus, string> = { passed: pc.green('✔'), failed: pc.red('✖'), skipped: pc.yellow('–'), 'not run': pc.dim('·') };

/** The last line of a walk that passed. */
function verdict(results: StairResult[], start: string | undefined, engine: string): string {
  const passed = results.filter((r) => r.upgrade === 'passed');
  if (passed.length === 0) return `devdb verify --all: no revision to walk above ${start ?? 'the start'} on ${engine}.`;
  const irreversible = passed.filter((r) => r.irreversible).map((r) => r.revision);
  const only = irreversible.length > 0 ? ` (${irreversible.join(', ')} irreversible: only upgraded)` : '';
  return `devdb verify --all: ${passed.length} revision${passed.length === 1 ? '' : 's'} passed upgrade, downgrade and upgrade again on ${engine}${only}.`;
}

/** One engine's walk: where it started and why, each revision's three results, and the error if any. */
function walkOutcome(run: EngineRun<StairwayContext>, debug: boolean): Outcome {
  const { ctx } = run;
  const { walk } = ctx;
  const error = run.error === undefined ? undefined : errorReport(run.error);
  const report = {
    ok: error === undefined,
    command: 'verify',
    all: true,
    engine: ctx.engine,
    steps: run.records,
    start: walk.start ?? null,
    stairway: walk.results,
    diffs: walk.failure ? [{ revision: walk.failure.revision, check: walk.failure.step, changes: changesToJson(walk.failure.changes) }] : [],
    dropped: ctx.trip.dropped,
    ...(error ? { error } : {}),
  };
  const lines: string[] = [];
  if (walk.start) lines.push(`${ctx.engine}: the walk starts at ${walk.start.revision}: ${walk.start.reason}.`);
  for (const r of walk.results) {
    lines.push(`${MARK[r.upgrade]} upgrade ${MARK[r.downgrade]} downgrade ${MARK[r.reupgrade]} upgrade again  ${r.revision} ${r.file}${r.irreversible ? ' (irreversible)' : ''} ${pc.dim(`${r.ms} ms`)}`);
  }
  if (walk.failure) lines.push(renderChanges(walk.failure.changes, { color: pc.isColorSupported }));
  if (ctx.trip.dropped.length > 0) lines.push(pc.dim(`dropped ${ctx.trip.dropped.join(', ')}`));
  if (error) {
    lines.push('', ...errorLines(run.error, debug));
  } else {
    lines.push('', verdict(walk.results, walk.start?.revision, ctx.engine));
  }
  return { exitCode: error?.exitCode ?? EXIT.ok, report, summary: lines };
}

/** The report of verify --all: one engine's, or with --engine all every engine's in turn. */
export function stairwayOutcome(runs: EngineRun<StairwayContext>[], all: boolean, debug: boolean): Outcome {
  const opened = runs.filter((run) => run.opened);
  if (!all && opened[0]) return walkOutcome(opened[0], debug);
  const outcomes = opened.map((run) => ({ engine: run.ctx.engine, outcome: walkOutcome(run, debug) }));
  const failed = outcomes.filter((o) => o.outcome.exitCode !== EXIT.ok);
  const exitCode = failed.length === 0 ? EXIT.ok : failed.some((o) => o.outcome.exitCode === EXIT.usage) ? EXIT.usage : EXIT.failed;
  const verdict =
    failed.length === 0
      ? `devdb verify --all: the history passed on ${outcomes.map((o) => o.engine).join(', ')}.`
      : `devdb verify --all: the history failed on ${failed.map((f) => f.engine).join(', ')}.`;
  return {
    exitCode,
    report: { ok: failed.length === 0, command: 'verify', all: true, engines: outcomes.map((o) => o.outcome.report) },
    summary: [...outcomes.flatMap((o) => [pc.bold(o.engine), ...o.outcome.summary.filter((line) => line !== '' && !line.startsWith('devdb verify --all:')), '']), verdict],
  };
}
