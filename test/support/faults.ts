import { execa, type ResultPromise } from 'execa';
import { CLI } from './devdb.js';

/** A devdb run in the background, without a TTY, whose output can be waited on line by line. */
export interface Running {
  child: ResultPromise;
  pid: number;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects if the run ends first. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Exit code (signal deaths are -1) and both streams. */
  done(): Promise<{ exitCode: number; signal: string | undefined; stdout: string; stderr: string }>;
}

export function start(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Running {
  const child = execa('node', [CLI, ...args], { cwd: options.cwd, env: { NO_COLOR: '1', ...options.env }, reject: false, stdin: 'ignore', all: true, buffer: true });
  let all = '';
  let ended = false;
  const listeners = new Set<() => void>();
  child.all?.on('data', (chunk: Buffer) => {
    all += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  const finished = child.then((result) => {
    ended = true;
    for (const listener of listeners) listener();
    return result;
  });
  return {
    child,
    pid: child.pid as number,
    output: () => all,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = (): boolean => (typeof pattern === 'string' ? all.includes(pattern) : pattern.test(all));
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${all}`)), timeoutMs);
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = (): void => {
          if (matches()) finish();
          else if (ended) finish(new Error(`the run ended before ${String(pattern)} appeared; output:\n${all}`));
        };
        listeners.add(check);
        check();
      }),
    done: async () => {
      const result = await finished;
      return { exitCode: result.exitCode ?? -1, signal: result.signal ?? undefined, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
  };
}
