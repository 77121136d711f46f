/** Exit codes devdb documents (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** A step or a check failed: a tool exited non-zero, a schema comparison failed. */
  failed: 1,
  /** Usage, configuration or environment error, including refusals that protect a database. */
  usage: 2,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the user: one sentence saying what is wrong and what to do. */
export class DevdbError extends Error {
  readonly exitCode: ExitCode;
  /** The last lines a tool printed, shown under the sentence. */
  readonly detail: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; detail?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DevdbError';
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.detail = options.detail;
  }
}

/** A usage, configuration or environment error (exit 2). */
export const usageError = (message: string, detail?: string): DevdbError =>
  new DevdbError(message, { exitCode: EXIT.usage, detail });

/** A failed step or check (exit 1). */
export const failure = (message: string, detail?: string): DevdbError =>
  new DevdbError(message, { exitCode: EXIT.failed, detail });
