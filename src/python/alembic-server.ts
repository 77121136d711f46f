import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ResultPromise } from 'execa';
import { DevdbError, EXIT, usageError } from '../errors.js';
import { closeWhenDone, trackChild } from '../children.js';
import { formatCommand } from '../presets/command.js';
import { PRESETS } from '../presets/index.js';
import { redact } from '../redact.js';
import { currentLane } from './lane.js';
import { eachLine } from './lines.js';
import { PYTHON_ENV } from './run.js';

const SERVER = fileURLToPath(new URL('../../templates/alembic_server.py', import.meta.url));

/** How long a Python may take to start the helper and say hello (a cold start of a large environment on a busy machine takes seconds). */
const HELLO_SECONDS = 30;
/** How long the helper may take to exit once devdb closes its requests, before it is killed. */
const CLOSE_SECONDS = 5;
const TAIL = 15;

/** Console scripts the helper runs in-process: the Alembic CLI, and those the presets name (Kallithea's click group). */
export const IN_PROCESS_TOOLS: ReadonlySet<string> = new Set(['alembic', ...PRESETS.flatMap((preset) => preset.inProcessTools)]);

type Request = { tool: string; path: string; args: string[] };

/** How long a request may run before devdb kills the helper, and the sentence it then fails with. */
export interface Deadline {
  ms: number;
  message: string;
}

/** The helper's pseudo-tool that runs one of devdb's own scripts as __main__ (templates/alembic_server.py's PYTHON_FILE). */
export const PYTHON_FILE = 'devdb:python-file';

/** The command being run: done once both its exit code (fd 3) and its end marker (the output pipe) have arrived. */
interface Running {
  request: Request;
  shown: string;
  end: string;
  lines: string[];
  onLine: (line: string) => void;
  exit?: number;
  ended: boolean;
  resolve: (result: { exitCode: number; lines: string[] }) => void;
  reject: (error: unknown) => void;
}

type Helper = ResultPromise<{ stdio: ['pipe', 'pipe', 'pipe', 'pipe']; buffer: false; reject: false }>;

/**
 * One long-lived Python process that runs the project's tools (alembic,
 * kallithea-cli) in-process (templates/alembic_server.py), so the project is
 * imported once per devdb run instead of once per command. Commands run one at
 * a time, in order. The protocol is on the helper's fd 0 and fd 3; fd 1 and 2 are
 * the tools' output, so nothing a tool or its children print can break it.
 */
class AlembicServer {
  private readonly child: Helper;
  private readonly hello: Promise<string>;
  private queue: Promise<unknown> = Promise.resolve();
  private running: Running | undefined;
  /** Output and stderr lines no command owns (start-up, a crash), for the error that reports them. */
  private readonly tail: string[] = [];
  /** Every value any request said never to show: what the helper prints is redacted before it is kept. */
  private readonly secrets = new Set<string>();
  /** Its Python version, from its hello. */
  private version: string | undefined;
  private gone: string | undefined;
  /** The signal devdb sent it, when devdb stopped it. */
  private stoppedBy: NodeJS.Signals | undefined;
  /** Why the helper is gone, once it is. */
  private readonly exited: Promise<string>;
  /** The sentence for a request devdb killed the helper over, past its deadline. */
  private overdue: string | undefined;
  /** It was sent a request: until then it has run nothing of the project's, and closing it may kill it. */
  private used = false;

  constructor(
    execa: typeof import('execa').execa,
    private readonly python: string,
    cwd: string,
    warm: readonly string[],
  ) {
    this.child = execa(python, [SERVER, ...warm], { cwd, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], buffer: false, reject: false, env: PYTHON_ENV });
    // Stopped by devdb (Ctrl-C, --timeout) is not a helper that died on its own.
    trackChild({ kill: (signal) => ((this.stoppedBy = signal ?? 'SIGTERM'), this.child.kill(signal)), then: (done, failed) => this.child.then(done, failed) });
    // A helper that could not start, or is gone, fails the command waiting on it (below), not devdb.
    this.child.stdin.on('error', () => undefined);
    eachLine(this.child.stderr, (line) => this.remember(line));
    eachLine(this.child.stdout, (line) => this.output(line));
    let greeted = false;
    let greet: (version: string) => void = () => undefined;
    let refuse: (error: unknown) => void = () => undefined;
    this.hello = new Promise((resolve, reject) => ((greet = resolve), (refuse = reject)));
    this.hello.catch(() => undefined);
    const deadline = setTimeout(() => {
      refuse(this.startFailure(`it did not say it was ready within ${HELLO_SECONDS} s`));
      this.child.kill('SIGKILL');
    }, HELLO_SECONDS * 1000);
    eachLine(this.child.stdio[3] as Readable, (line) => {
      const reply = parse(line);
      if (reply && 'hello' in reply) {
        clearTimeout(deadline);
        greeted = true;
        this.version = reply.hello.python;
        greet(reply.hello.python);
      } else if (reply && 'exit' in reply && this.running) {
        this.running.exit = reply.exit;
        this.settle();
      } else {
        this.output(line);
      }
    });
    // 'exit', not the end of the pipes: a grandchild the tool left running may hold them open.
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        clearTimeout(deadline);
        // Its normal end, after the last command: nothing to report.
        if (greeted && !this.running) return resolve(this.ended(code, signal));
        // The lines it printed last are still in the pipes: let them arrive first, briefly.
        setTimeout(() => resolve(this.ended(code, signal)), 200);
      });
      this.child.on('error', (error) => {
        clearTimeout(deadline);
        this.remember(String(error));
        resolve(this.ended(null, null));
      });
    });
  }

  private redacted(line: string): string {
    return redact(line, [...this.secrets]);
  }

  private remember(line: string): void {
    this.tail.push(this.redacted(line));
    if (this.tail.length > TAIL) this.tail.shift();
  }

  private output(line: string): void {
    const running = this.running;
    if (!running || running.ended) return this.remember(line);
    if (!line.endsWith(running.end)) {
      const clean = this.redacted(line);
      running.lines.push(clean);
      running.onLine(clean);
      return;
    }
    const rest = line.slice(0, -running.end.length);
    if (rest) this.output(rest);
    running.ended = true;
    this.settle();
  }

  private settle(): void {
    const running = this.running;
    if (running?.ended && running.exit !== undefined) {
      this.running = undefined;
      running.resolve({ exitCode: running.exit, lines: running.lines });
    }
  }

  private ended(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.gone) return this.gone;
    this.gone = signal ? `it was killed by ${signal}` : code === null ? 'it could not be started' : `it exited with code ${code}`;
    for (const stream of [this.child.stdout, this.child.stderr, this.child.stdio[3]]) (stream as Readable | null)?.destroy();
    const running = this.running;
    this.running = undefined;
    running?.reject(
      this.overdue
        ? new DevdbError(this.overdue, { exitCode: EXIT.failed, detail: [...running.lines, ...this.tail].slice(-TAIL).join('\n') })
        : this.stoppedBy
        ? new DevdbError(`devdb stopped its helper (${this.stoppedBy}) while it was running "${running.shown}".`, { exitCode: EXIT.interrupted })
        : new DevdbError(
            `devdb's helper (${this.python}${this.version ? `, Python ${this.version}` : ''}) died while running "${running.shown}": ${this.gone}; a migration or a tool it runs ended the process (os._exit, a signal, a crash in C code): fix that and run again.`,
            { exitCode: EXIT.failed, detail: [...running.lines, ...this.tail].slice(-TAIL).join('\n') },
          ),
    );
    return this.gone;
  }

  private startFailure(why: string): DevdbError {
    const last = this.tail.filter((l) => l.trim()).pop()?.trim();
    return usageError(
      `The Python ${this.python} could not start devdb's helper (templates/alembic_server.py): ${why}${last ? ` (${last})` : ''}; check that it runs and is Python 2.7 or 3.6+, or fix "python" in devdb.json.`,
      this.tail.join('\n') || undefined,
    );
  }

  /** Resolves once the helper has said hello; rejects, in one sentence, when it cannot start. */
  private async ready(): Promise<void> {
    // hello first: once it came, a helper that died later is reported by run(), not as a start failure.
    const gone = await Promise.race([this.hello.then(() => undefined), this.exited]);
    if (gone !== undefined) throw this.startFailure(gone);
  }

  /**
   * Runs one request; resolves to its exit code and the lines it printed, with `secrets` (and earlier requests' secrets) as ***.
   * Past `deadline.ms` the helper is killed and the request fails with `deadline.message`.
   */
  run(request: Request, shown: string, secrets: readonly string[], onLine: (line: string) => void, deadline?: Deadline): Promise<{ exitCode: number; lines: string[] }> {
    for (const secret of secrets) if (secret) this.secrets.add(secret);
    this.used = true;
    const task = this.queue.then(async () => {
      await this.ready();
      if (this.gone) {
        throw new DevdbError(`devdb's helper (${this.python}) had stopped before "${shown}" (${this.gone}); run again.`, { exitCode: EXIT.failed, detail: this.tail.join('\n') });
      }
      const end = `\u0000devdb-end-${randomBytes(8).toString('hex')}`;
      return new Promise<{ exitCode: number; lines: string[] }>((resolve, reject) => {
        const timer = deadline && setTimeout(() => ((this.overdue = deadline.message), this.child.kill('SIGKILL')), deadline.ms);
        const done = <T>(settle: (value: T) => void) => (value: T) => (clearTimeout(timer), settle(value));
        this.running = { request, shown, end, lines: [], onLine, ended: false, resolve: done(resolve), reject: done(reject) };
        this.child.stdin.write(`${JSON.stringify({ ...request, end })}\n`);
      });
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  /** Ends the helper: its requests close, so it exits after its last command; killed if it does not, or at once when it ran none. */
  close(): void {
    if (!this.used) this.child.kill('SIGTERM');
    this.child.stdin.end();
    setTimeout(() => this.child.kill('SIGKILL'), CLOSE_SECONDS * 1000).unref();
  }
}

/** A protocol reply, or undefined for a line that is not one (it is then tool output). */
function parse(line: string): { hello: { python: string } } | { exit: number } | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    if ('exit' in value && typeof value.exit === 'number') return { exit: value.exit };
    if ('hello' in value && typeof value.hello === 'object' && value.hello !== null && 'python' in value.hello) return { hello: { python: String(value.hello.python) } };
  } catch {
    // not a reply
  }
  return undefined;
}

const servers = new Map<string, AlembicServer>();

/** The shared helper for this Python, folder and lane (src/python/lane.ts), started on first use (execa loads then: a run without Python never loads it). */
async function serverFor(python: string, cwd: string, warm: readonly string[] = []): Promise<AlembicServer> {
  const key = `${python}\0${cwd}\0${currentLane()}`;
  let server = servers.get(key);
  if (!server) {
    server = new AlembicServer((await import('execa')).execa, python, cwd, warm);
    servers.set(key, server);
  }
  return server;
}

/** What every command of Alembic, and devdb's revision reader, imports first: about half a second of SQLAlchemy and Alembic. */
const ALEMBIC_MODULES = ['alembic.config', 'alembic.command', 'alembic.script'];

/**
 * Starts the helper that runs Alembic from `cwd` now, for a command that will use it
 * whatever happens: its Python starts and imports Alembic while devdb is still loading
 * the command's own modules, instead of after. A Python that cannot run is left to the
 * command to report; a helper no request reached is killed when devdb ends.
 */
export async function startEarly(python: string, cwd: string): Promise<void> {
  await serverFor(python, cwd, ALEMBIC_MODULES);
}

/**
 * Runs `TOOL ARGS` (a console script of the Python environment, see IN_PROCESS_TOOLS)
 * in the shared helper; every line it prints is redacted before anyone sees it.
 */
export async function runInProcess(python: string, cwd: string, tool: { name: string; path: string }, args: string[], secrets: readonly string[], onLine?: (line: string) => void, deadline?: Deadline) {
  const shown = redact(formatCommand({ tool: tool.name, args, secrets: [...secrets] }), secrets);
  return (await serverFor(python, cwd)).run({ tool: tool.name, path: tool.path, args }, shown, secrets, (line) => onLine?.(line), deadline);
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

closeWhenDone(closeAlembicServers);
