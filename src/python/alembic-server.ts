import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ResultPromise } from 'execa';
import { DevdbError, EXIT } from '../errors.js';
import { trackChild } from '../interrupt.js';
import { redact } from '../report/redact.js';
import { PYTHON_ENV } from './run.js';

const SERVER = fileURLToPath(new URL('../../templates/alembic_server.py', import.meta.url));

type Message = { line: string } | { exit: number };

/** Console scripts the helper runs in-process: the Alembic CLI, and Kallithea's click group. */
export const IN_PROCESS_TOOLS: ReadonlySet<string> = new Set(['alembic', 'kallithea-cli']);

type Request = { tool: string; path: string; args: string[] };

/**
 * One long-lived Python process that runs the project's tools (alembic,
 * kallithea-cli) in-process (templates/alembic_server.py), so the project is
 * imported once per devdb run instead of once per command. Commands run one at
 * a time, in order.
 */
class AlembicServer {
  private readonly child: ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false }>;
  private readonly waiting: ((message: Message | undefined) => void)[] = [];
  /** Messages that arrived before anyone asked for them (readline emits a chunk's lines at once). */
  private readonly inbox: (Message | undefined)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private stderr = '';

  constructor(execa: typeof import('execa').execa, python: string, cwd: string) {
    this.child = execa(python, [SERVER], { cwd, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, env: PYTHON_ENV });
    trackChild(this.child);
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    // A helper that could not start, or is gone, fails the command waiting on it (below), not devdb.
    this.child.stdin.on('error', () => undefined);
    const lines = readline.createInterface({ input: this.child.stdout });
    lines.on('line', (line) => this.deliver(JSON.parse(line) as Message));
    // Once the process is gone, every read from now on learns it.
    const end = (): void => {
      this.ended = true;
      for (const resolve of this.waiting.splice(0)) resolve(undefined);
    };
    this.child.on('close', end);
    this.child.on('error', (error) => {
      this.stderr += String(error);
      end();
    });
  }

  private ended = false;

  private deliver(message: Message): void {
    const resolve = this.waiting.shift();
    if (resolve) resolve(message);
    else this.inbox.push(message);
  }

  private next(): Promise<Message | undefined> {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Runs one request; resolves to its exit code and the lines it printed. */
  run(request: Request, onLine: (line: string) => void): Promise<{ exitCode: number; lines: string[] }> {
    const task = this.queue.then(async () => {
      const lines: string[] = [];
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
      for (;;) {
        const message = await this.next();
        if (message === undefined) {
          throw new DevdbError(`devdb's Alembic helper process stopped unexpectedly; run again with --verbose, or report it.`, { exitCode: EXIT.failed, detail: this.stderr });
        }
        if ('exit' in message) return { exitCode: message.exit, lines };
        lines.push(message.line);
        onLine(message.line);
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  close(): void {
    this.child.stdin.end();
  }
}

const servers = new Map<string, AlembicServer>();

/** The shared helper for this Python and folder, started on first use (execa loads then: a run without Python never loads it). */
async function serverFor(python: string, cwd: string): Promise<AlembicServer> {
  const key = `${python}\0${cwd}`;
  let server = servers.get(key);
  if (!server) {
    server = new AlembicServer((await import('execa')).execa, python, cwd);
    servers.set(key, server);
  }
  return server;
}

/**
 * Runs `TOOL ARGS` (a console script of the Python environment, see IN_PROCESS_TOOLS)
 * in the shared helper; every line it prints is redacted before anyone sees it.
 */
export async function runInProcess(python: string, cwd: string, tool: { name: string; path: string }, args: string[], secrets: readonly string[], onLine?: (line: string) => void) {
  const lines: string[] = [];
  const result = await (await serverFor(python, cwd)).run({ tool: tool.name, path: tool.path, args }, (line) => {
    const clean = redact(line, secrets);
    lines.push(clean);
    onLine?.(clean);
  });
  return { exitCode: result.exitCode, lines };
}

/** Runs an alembic command through the shared helper for this Python and folder. */
export function runAlembic(python: string, cwd: string, args: string[], secrets: readonly string[], onLine?: (line: string) => void) {
  return runInProcess(python, cwd, { name: 'alembic', path: path.join(path.dirname(python), 'alembic') }, args, secrets, onLine);
}

/** Ends every helper process (their stdin closes; each exits after its last command). */
export function closeAlembicServers(): void {
  for (const server of servers.values()) server.close();
  servers.clear();
}
