import { DevdbError, EXIT, usageError } from '../errors.js';
import { formatCommand, type Command } from '../presets/command.js';
import { trackChild } from '../children.js';
import { redact } from '../redact.js';
import { eachLine } from './lines.js';

export interface RunOptions {
  cwd: string;
  /** Absolute path of the executable (see python/locate.ts). */
  executable: string;
  /** Called with each line the tool prints (already redacted), for --verbose. */
  onLine?: (line: string) => void;
  secrets: readonly string[];
  /** What the step is, for the failure sentence ("setup-db"). */
  step: string;
  env?: Record<string, string> | undefined;
}

export interface RunResult {
  output: string;
}

const LAST_LINES = 15;
/** How long a tool's last lines may take to arrive once it has exited. */
const PIPE_GRACE_MS = 1000;

/** What every Python tool devdb starts gets: output as it happens, in UTF-8 (Python 2 too), no .pyc files written into the project. */
export const PYTHON_ENV = { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' } as const;

/** Runs one tool to completion; a non-zero exit becomes a failure with the tool's last lines and a diagnosis. */
export async function runCommand(command: Command, options: RunOptions): Promise<RunResult> {
  const lines: string[] = [];
  // Loaded on first use: it is a large module, and devdb --help, check and a cached reset never start a tool.
  const { execa } = await import('execa');
  const child = execa(options.executable, command.args, {
    cwd: options.cwd,
    all: true,
    reject: false,
    stdin: 'ignore',
    env: { ...PYTHON_ENV, ...options.env },
    buffer: false,
  });
  trackChild(child);
  // Its end is when it exits, not when its pipes close: a process it left running in the background may hold them open for ever.
  child.on('exit', () => setTimeout(() => [child.stdout, child.stderr].forEach((stream) => stream?.destroy()), PIPE_GRACE_MS).unref());
  eachLine(child.all, (line) => {
    const clean = redact(line, options.secrets);
    lines.push(clean);
    if (lines.length > 2000) lines.splice(0, lines.length - 2000);
    options.onLine?.(clean);
  });
  const result = await child;
  const shown = formatCommand(command);
  if (result.failed && (result as { code?: string }).code === 'ENOENT') {
    throw usageError(`${shown.split(' ')[0]} could not be started (not found); install it into the project's Python environment.`);
  }
  if (result.isTerminated && result.signal) {
    throw new DevdbError(`${options.step} was stopped by ${result.signal} while running "${shown}".`, { exitCode: EXIT.interrupted });
  }
  return finish(command, lines, result.exitCode ?? 1, options.step);
}

/** How a tool's failure message ends; a caller that gives its own advice takes it off with withoutRerunAdvice. */
const RERUN_ADVICE = '; fix the cause in its output and run again.';

/** A tool's failure message without its closing advice, for a caller that gives better advice. */
export const withoutRerunAdvice = (message: string): string => (message.endsWith(RERUN_ADVICE) ? message.slice(0, -RERUN_ADVICE.length) : message);

/** A tool's result: its output, or a failure with its last lines and a diagnosis when it exited non-zero. */
export function finish(command: Command, lines: readonly string[], exitCode: number, step: string): RunResult {
  if (exitCode !== 0) {
    throw new DevdbError(`${step} failed: ${diagnose(lines) ?? `"${formatCommand(command)}" exited with code ${exitCode}`}${RERUN_ADVICE}`, {
      exitCode: EXIT.failed,
      detail: lines.slice(-LAST_LINES).join('\n'),
    });
  }
  return { output: lines.join('\n') };
}

/** The one line of a Python traceback or a CLI error that says what went wrong. */
export function diagnose(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = (lines[i] as string).trim();
    if (/^([A-Za-z_][\w.]*(Error|Exception|Exit)|Error|FAILED)(: |$)/.test(line)) return line.replace(/\.$/, '');
    if (/^(ERROR|FAILED)[: ]/.test(line)) return line.replace(/\.$/, '');
  }
  return undefined;
}
