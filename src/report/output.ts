import pc from 'picocolors';
import { DevdbError, EXIT, type ExitCode } from '../errors.js';
import { redact } from '../redact.js';

/** What a command hands back to the CLI: a JSON-ready report, a summary for people, an exit code. */
export interface Outcome {
  exitCode: ExitCode;
  report: Record<string, unknown> & { ok: boolean };
  /** Lines for a person, printed after the progress list. */
  summary: string[];
}

export interface OutputOptions {
  json: boolean;
  debug: boolean;
  secrets: readonly string[];
}

/** Prints an outcome: JSON on stdout, or the summary for a person. */
export function printOutcome(outcome: Outcome, options: OutputOptions): void {
  if (options.json) {
    process.stdout.write(`${redact(JSON.stringify(outcome.report, null, 2), options.secrets)}\n`);
    return;
  }
  const text = outcome.summary.join('\n');
  if (text) (outcome.exitCode === EXIT.ok ? process.stdout : process.stderr).write(`${redact(text, options.secrets)}\n`);
}

/** The error as the report's `error` field. */
export function errorReport(error: unknown): { message: string; exitCode: ExitCode; detail?: string } {
  if (error instanceof DevdbError) return { message: error.message, exitCode: error.exitCode, ...(error.detail ? { detail: error.detail } : {}) };
  return { message: `devdb hit an unexpected error: ${(error as Error)?.message ?? String(error)}; run again with --debug and report it.`, exitCode: EXIT.failed };
}

/** Lines for a person describing an error: the sentence, then the tool's last lines. */
export function errorLines(error: unknown, debug: boolean): string[] {
  const { message, detail } = errorReport(error);
  const lines = [`${pc.red('devdb:')} ${message}`];
  if (detail) lines.push(...detail.split('\n').map((l) => pc.dim(`  │ ${l}`)));
  if (debug && error instanceof Error && error.stack) lines.push(pc.dim(error.stack));
  return lines;
}
