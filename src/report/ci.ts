import pc from 'picocolors';
import { EXIT, type ExitCode } from '../errors.js';
import type { LintFinding } from '../migration/lint/index.js';
import type { EngineName } from '../schema/model.js';
import type { Outcome } from './output.js';

/** The four checks of devdb ci; their ids are part of the reports (JUnit classnames, SARIF rule ids), so they never change. */
export type CiCheckId = 'models' | 'heads' | 'verify' | 'lint';

export const CI_CHECKS: Record<CiCheckId, string> = {
  models: 'models and migrations agree',
  heads: 'one head, with the base branch',
  verify: 'each new migration up, down, up',
  lint: 'lint of the new migrations',
};

/** One check's result; `engine` is null for the checks that need no database. */
export interface CiCheck {
  id: CiCheckId;
  engine: EngineName | null;
  /** The revision a verify check walked; the stairway gives one check per revision. */
  revision?: string;
  /** The step of the revision's proof that failed. */
  step?: 'upgrade' | 'downgrade' | 'reupgrade';
  status: 'passed' | 'failed' | 'skipped';
  message?: string;
  /** The last lines the tool printed, for the JUnit failure's body. */
  detail?: string;
  /** Where a reviewer should look, relative to the checkout's top. */
  file?: string;
  line?: number;
  ms: number;
  /** A failure that is a usage or environment problem rather than the branch's (exit 2). */
  usage?: boolean;
}

export interface CiResult {
  base: { name: string; tip: string; mergeBase: string };
  engines: EngineName[];
  /** New migrations and changed model files since the merge base, relative to the checkout's top. */
  migrations: string[];
  models: string[];
  checks: CiCheck[];
  lint: { file: string; findings: LintFinding[] }[];
  /** What each walked revision's downgrade took away from the rows the walk put in its tables (reported, not a failure). */
  downgradeLosses: DowngradeLoss[];
}

/** One table's or column's loss to one revision's downgrade on one engine; `allowed` as StairLoss says. */
export interface DowngradeLoss {
  engine: EngineName;
  revision: string;
  /** The revision's script, relative to the checkout's top. */
  file: string;
  table: string;
  column: string | null;
  rows: number;
  allowed: 'added' | 'marked' | null;
}

/** Why a downgrade may lose what it lost, for sentences and table cells. */
export const lossReason = (loss: Pick<DowngradeLoss, 'allowed'>): string =>
  loss.allowed === 'added' ? 'its upgrade added it' : loss.allowed === 'marked' ? 'a marker or --accept-data-loss allows it' : 'it was there before the upgrade';

/** One loss as a sentence. */
export const describeDowngradeLoss = (l: DowngradeLoss): string =>
  `the downgrade of ${l.revision} takes ${l.column === null ? `${l.rows} row(s) of ${l.table}` : `${l.rows} value(s) of ${l.table}.${l.column}`} on ${l.engine} (${lossReason(l)})`;

const MARK = { passed: pc.green('✔'), failed: pc.red('✖'), skipped: pc.dim('-') };

const STEP = { upgrade: 'upgrade', downgrade: 'downgrade', reupgrade: 'upgrade again' };

export const checkLabel = (check: CiCheck): string =>
  `${CI_CHECKS[check.id]}${check.revision ? ` ${check.revision}${check.step ? ` (${STEP[check.step]} failed)` : ''}` : ''}${check.engine ? ` on ${check.engine}` : ''}`;

export function ciExitCode(result: CiResult): ExitCode {
  const failed = result.checks.filter((c) => c.status === 'failed');
  if (failed.length === 0) return EXIT.ok;
  return failed.every((c) => c.usage) ? EXIT.usage : EXIT.failed;
}

/** The outcome of devdb ci for a person and for --json, with the report files written. */
export function ciOutcome(result: CiResult, written: string[]): Outcome {
  const exitCode = ciExitCode(result);
  const lines = [
    `devdb ci against ${result.base.name} (merge base ${result.base.mergeBase.slice(0, 12)}): ${result.migrations.length} new migration(s), ${result.models.length} model file(s) changed.`,
    ...result.checks.map((c) => `${MARK[c.status]} ${checkLabel(c)}: ${c.status}${c.message ? ` — ${c.message}` : ''}`),
    ...result.lint.flatMap(({ file, findings }) => findings.map((f) => `${f.severity} ${f.rule} (${file} line ${f.line}): ${f.message}`)),
    ...result.downgradeLosses.map(describeDowngradeLoss),
    ...(written.length > 0 ? [`reports: ${written.join(', ')}`] : []),
    exitCode === EXIT.ok ? 'devdb ci: every check passed.' : `devdb ci: ${result.checks.filter((c) => c.status === 'failed').map(checkLabel).join(', ')} failed.`,
  ];
  return { exitCode, report: { ok: exitCode === EXIT.ok, command: 'ci', ...result, reports: written }, summary: lines };
}
