import { createRequire } from 'node:module';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT } from './errors.js';
import { timeoutSeconds, waitSeconds } from './seconds.js';
import { PRESET_NAMES } from './presets/index.js';
import { ENGINE_NAMES } from './schema/model.js';
import { addBranchCommands } from './commands/branch-cli.js';
import { addHookCommands } from './commands/hook-cli.js';
import type { ApplyOptions } from './commands/apply.js';
import type { CheckOptions } from './commands/check.js';
import type { CiOptions } from './commands/ci.js';
import type { RebaseOptions } from './commands/rebase.js';
import type { CleanOptions } from './commands/clean.js';
import type { CycleOptions } from './commands/cycle.js';
import type { InitOptions } from './commands/init.js';
import type { GraphOptions } from './commands/graph.js';
import type { ResetOptions } from './commands/reset.js';
import type { StatusOptions } from './commands/status.js';
import type { VerifyOptions } from './commands/verify.js';
import type { Outcome } from './report/output.js';

/** Options every command takes. */
interface Common {
  config?: string;
  json?: boolean;
  verbose?: boolean;
  debug?: boolean;
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** --wait and --timeout of the commands that write. */
interface Waits {
  wait?: string;
  timeout?: string;
}

/** A command that writes takes the project's lock under this name, waiting for another run up to --wait seconds. */
interface Writes extends Waits {
  lock: string;
}

/**
 * Runs a command lazily (so --help loads nothing else), prints its outcome, sets the exit
 * code. A command that writes first takes the project's lock (src/lock.ts); an
 * interruption ends the run with its own report instead (src/interrupt.ts).
 */
async function execute(options: Common, command: () => Promise<Outcome>, writes?: Writes): Promise<void> {
  const { printOutcome, errorLines, errorReport } = await import('./report/output.js');
  const { beginRun, holdLock, setStepTimeout, unlessInterrupted } = await import('./interrupt.js');
  const output = { json: options.json ?? false, debug: options.debug ?? false, secrets: [process.env.DEVDB_ADMIN_PASSWORD ?? ''] };
  beginRun(writes?.lock ?? 'run', output.json);
  let release = (): void => undefined;
  try {
    if (writes) {
      setStepTimeout(timeoutSeconds(writes.timeout));
      const [{ acquireLock, DEFAULT_WAIT_SECONDS }, { loadConfig }] = await Promise.all([import('./lock.js'), import('./config/load.js')]);
      const seconds = waitSeconds(writes.wait, DEFAULT_WAIT_SECONDS);
      const { root } = await loadConfig(options.config, process.cwd());
      const lock = await acquireLock(path.join(root, '.devdb'), writes.lock, { waitSeconds: seconds, say: (line) => process.stderr.write(`${line}\n`) });
      holdLock(lock);
      release = () => lock.release();
    }
    const outcome = await command();
    await unlessInterrupted();
    printOutcome(outcome, output);
    process.exitCode = outcome.exitCode;
  } catch (error) {
    await unlessInterrupted();
    const report = errorReport(error);
    printOutcome({ exitCode: report.exitCode, report: { ok: false, error: report }, summary: errorLines(error, output.debug) }, output);
    process.exitCode = report.exitCode;
  } finally {
    release();
    await (await import('./children.js')).closeAll();
  }
}

const withCommon = (command: Command): Command =>
  command
    .option('--config <file>', 'devdb.json to use (default: the nearest one above the current folder)')
    .option('--json', 'print one JSON object with the result instead of progress')
    .option('--verbose', "stream the tools' output")
    .option('--debug', 'show stack traces of unexpected errors');

/** Commands that write: how long to wait for another devdb run on the same project, and how long any one step may take. */
const withWait = (command: Command): Command =>
  command
    .option('--wait <seconds>', 'if another devdb run is writing to this project, wait this long for it to finish (default: DEVDB_WAIT, else 30)')
    .option('--timeout <seconds>', 'stop any step still running after this long, as Ctrl-C would, and exit 1 (default: DEVDB_TIMEOUT, else no bound)');

const jsonArray = (value: string): string[] => {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((p) => typeof p === 'string')) return parsed as string[];
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('give the command as a JSON array of strings, e.g. \'["python","-m","app.setup","{config}"]\'.');
};

const program = new Command('devdb')
  .description("Runs an Alembic project's schema-change loop (Kallithea's first) on throwaway databases.")
  .version(version, '-V, --version')
  .showHelpAfterError('(see devdb --help)')
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(`devdb: ${message.replace(/^error: /, '')}`) });

withCommon(
  program
    .command('init')
    .description('write devdb.json for this project: a wizard in a terminal, or detected defaults and flags with --yes')
    .option('-y, --yes', 'do not ask; use detected defaults and the flags given')
    .option('--force', 'replace an existing devdb.json')
    .addOption(new Option('--ci <system>', 'write the CI recipe that runs devdb ci on every pull request (.github/workflows/devdb.yml or .gitlab-ci.yml) instead of devdb.json; never overwrites').choices(['github', 'gitlab']))
    .addOption(new Option('--preset <name>', 'how the project builds databases').choices(PRESET_NAMES))
    .option('--python <path>', "the project's Python (default: .venv or venv beside the project, else python3)")
    .option('--dev-ini <file>', 'the development INI (default: development.ini or alembic.ini)')
    .option('--dev-db <url|path>', "the development database, when it is not the development INI's sqlalchemy.url (a URL, or a SQLite file relative to the project root)")
    .option('--throwaway-ini <file>', 'the throwaway INI (default: temp.ini)')
    .option('--throwaway-db <path>', 'the SQLite throwaway database (default: temp.db)')
    .addOption(new Option('--engine <name>', 'where throwaway databases live by default (default: sqlite)').choices(ENGINE_NAMES))
    .option('--server-url <url>', 'a PostgreSQL or MariaDB/MySQL server devdb may create its databases on, e.g. postgresql://me@127.0.0.1:5432/postgres (repeat for both)', (url: string, all: string[] = []) => [...all, url])
    .option('--admin-user <name>', 'admin user setup-db creates (default: admin)')
    .option('--admin-email <email>', 'admin email (default: admin@example.com)')
    .option('--store-password', 'store the value of DEVDB_ADMIN_PASSWORD in devdb.json (otherwise it is read at run time)')
    .option('--repos <dir>', 'repositories folder for setup-db and repo-scan (default: .devdb/repos)')
    .option('--public-access', 'let anonymous users read (setup-db --public-access)')
    .option('--no-public-access', 'no anonymous access (the default)')
    .option('--setup-command <json>', 'alembic preset: the command that builds a database, as a JSON array; {config} and {url} are filled in', jsonArray)
    .addOption(
      new Option('--setup <how>', 'alembic preset: build a database from empty with alembic upgrade head (migrations), or from target_metadata then alembic stamp head (models)').choices(['migrations', 'models']),
    )
    .option('--models <glob>', 'a glob of model files, relative to the project root, instead of those found from env.py (repeat for more)', (glob: string, all: string[] = []) => [...all, glob]),
).action(async (options: Common & InitOptions & { ci?: 'github' | 'gitlab' }) => {
  await execute(options, async () => (options.ci ? (await import('./commands/init-ci.js')).initCi(options.ci) : options.yes ? (await import('./commands/init.js')).init(options) : (await import('./commands/wizard.js')).wizard(options)));
});

withCommon(
  withWait(program.command('reset'))
    .description('recreate the throwaway database from the current models (make-config, point-db, drop-db, setup-db, repo-scan)')
    .option('--dry-run', 'print the commands and edits, change nothing')
    .option('--force', 'delete the throwaway database even if devdb did not create it')
    .option('--fresh-config', 'recreate the throwaway INI (the old one is kept in .devdb/backups)')
    .option('--no-cache', 'run setup-db and repo-scan even if a cached database matches (the cache is refreshed)')
    .addOption(new Option('--sql-log <state>', 'turn SQL logging in the throwaway INI on or off').choices(['on', 'off']))
    .addOption(new Option('--engine <name>', 'the engine to build it on (default: "engine" in devdb.json)').choices(ENGINE_NAMES)),
).action(async (options: ResetOptions & Waits) => {
  await execute(options, async () => (await import('./commands/reset.js')).reset(options), options.dryRun ? undefined : { lock: 'reset', wait: options.wait, timeout: options.timeout });
});

withCommon(
  withWait(program.command('cycle'))
    .description('generate a migration for the model changes and prove it up, down and up against the models, then apply it')
    .requiredOption('-m, --message <message>', 'the migration message, e.g. "area: add cool feature"')
    .option('--no-apply', 'leave the development database as it is (the draft is still proven on copies)')
    .option('--upgrade-first', 'if the development database is behind, snapshot it and upgrade it to head first')
    .addOption(new Option('--base <source>', 'what the migration is generated against: a copy of the development database (when on the same engine), or the committed code').choices(['dev', 'vcs']))
    .addOption(new Option('--engine <name>', 'the engine to prove it on; "all" proves it on every configured engine, side by side').choices([...ENGINE_NAMES, 'all']))
    .option('--edit', 'open $VISUAL/$EDITOR on the draft before testing it')
    .option('--accept-data-loss', 'let the upgrade drop columns and tables that hold data (else it needs a "# devdb: allow data-loss TABLE[.COLUMN]" marker)')
    .option('--strict', 'an irreversible downgrade (raise NotImplementedError) fails instead of being skipped')
    .option('--dry-run', 'print the steps and commands, change nothing'),
).action(async (options: CycleOptions & Waits) => {
  await execute(options, async () => (await import('./commands/cycle.js')).cycle(options), options.dryRun ? undefined : { lock: 'cycle', wait: options.wait, timeout: options.timeout });
});

withCommon(
  withWait(program.command('verify'))
    .description('prove the newest migration up, down and up against the models again, after editing it by hand')
    .addOption(new Option('--base <source>', 'start from the committed code instead of the development database or its snapshot').choices(['dev', 'vcs']))
    .addOption(new Option('--engine <name>', 'the engine to prove it on; "all" proves it on every configured engine, side by side').choices([...ENGINE_NAMES, 'all']))
    .option('--all', 'walk the whole history: every revision upgraded, downgraded one step and upgraded again')
    .option('--from <revision>', 'with --all: start the walk at this revision')
    .option('--to <revision>', 'with --all: end the walk at this revision')
    .option('--strict', 'an irreversible downgrade (raise NotImplementedError) fails instead of being skipped')
    .option('--accept-data-loss', 'let the upgrade drop columns and tables that hold data (else it needs a "# devdb: allow data-loss TABLE[.COLUMN]" marker)'),
).action(async (options: VerifyOptions & Waits) => {
  await execute(options, async () => (await import('./commands/verify.js')).verify(options), { lock: 'verify', wait: options.wait, timeout: options.timeout });
});

withCommon(
  withWait(program.command('apply'))
    .description('prove the newest migration (a draft fixed by hand) up, down and up against the models, then snapshot the development database and upgrade it')
    .option('--accept-data-loss', 'let the upgrade drop columns and tables that hold data (else it needs a "# devdb: allow data-loss TABLE[.COLUMN]" marker)'),
).action(async (options: ApplyOptions & Waits) => {
  await execute(options, async () => (await import('./commands/apply.js')).apply(options), { lock: 'apply', wait: options.wait });
});

withCommon(
  withWait(program.command('clean'))
    .description("drop every throwaway database devdb made for this project, on every engine (the development database is never touched)")
    .option('--snapshots', "also drop the development database's snapshots"),
).action(async (options: CleanOptions & Waits) => {
  await execute(options, async () => (await import('./commands/clean.js')).clean(options), { lock: 'clean', wait: options.wait, timeout: options.timeout });
});

const snapshot = program.command('snapshot').description('list and restore snapshots of the development database');
withCommon(snapshot.command('list').description('list the snapshots devdb took, newest last')).action(async (options: Common) => {
  await execute(options, async () => (await import('./commands/snapshot.js')).snapshotList(options));
});
withCommon(
  withWait(snapshot.command('restore')).description('put a snapshot back as the development database (the current one is snapshotted first)').argument('<id>', 'a snapshot id, a unique prefix of one, or "latest"'),
).action(async (id: string, options: Common & Waits) => {
  await execute(options, async () => (await import('./commands/snapshot.js')).snapshotRestore(id, options), { lock: 'snapshot restore', wait: options.wait, timeout: options.timeout });
});

withCommon(
  withWait(program.command('check'))
    .description('the pre-commit check: changed models come with a new migration that compiles and keeps one head')
    .option('--verify', 'also prove the new migration up, down and up (devdb verify)'),
).action(async (options: CheckOptions & Waits) => {
  await execute(options, async () => (await import('./commands/check.js')).check(options), options.verify ? { lock: 'check --verify', wait: options.wait, timeout: options.timeout } : undefined);
});

withCommon(
  withWait(program.command('status'))
    .description("where am I: the development database's revision against the migrations, the draft, drift from the models, snapshots, the hook, and what to do next")
    .option('--drift', 'build the model database (as reset does) and compare it with the development database'),
).action(async (options: StatusOptions & Waits) => {
  await execute(options, async () => (await import('./commands/status.js')).status(options), options.drift ? { lock: 'status --drift', wait: options.wait, timeout: options.timeout } : undefined);
});

withCommon(
  program
    .command('graph')
    .description('draw the revision graph: heads, branches and merges, the development database and the draft marked')
    .addOption(new Option('--format <format>', 'text for the terminal, mermaid for a README or pull request, dot for Graphviz').choices(['text', 'mermaid', 'dot']).default('text')),
).action(async (options: GraphOptions) => {
  await execute(options, async () => (await import('./commands/graph.js')).graph(options));
});

withCommon(
  withWait(program.command('ci'))
    .description("one CI job's proof of a branch: models and migrations agree, one head with the target branch, every new migration up, down and up, lint of the new ones")
    .option('--base-ref <ref>', 'the branch this one is merged into (default: the pull request\'s target in GitHub Actions or GitLab CI, else origin/HEAD, main or master; in Mercurial, default as pushed)')
    .addOption(new Option('--engine <name>', 'the engine to prove it on; "all" proves it on every configured engine').choices([...ENGINE_NAMES, 'all']))
    .option('--junit <file>', 'write the checks as JUnit XML').option('--sarif <file>', 'write lint findings and failed checks as SARIF 2.1.0').option('--markdown <file>', 'write a pull-request comment (also appended to $GITHUB_STEP_SUMMARY when set)'),
).action(async (options: CiOptions & Waits) => execute(options, async () => (await import('./commands/ci.js')).ci(options), { lock: 'ci', wait: options.wait, timeout: options.timeout }));

withCommon(
  withWait(program.command('rebase'))
    .description("re-parent the branch's newest migration onto the current head (its down_revision line only), then prove it up, down and up")
    .option('--onto <rev>', 'the revision it should follow (default: the other head)').option('--base-ref <ref>', 'the branch this one is merged into (default: as devdb ci finds it)'),
).action(async (options: RebaseOptions & Waits) => execute(options, async () => (await import('./commands/rebase.js')).rebase(options), { lock: 'rebase', wait: options.wait, timeout: options.timeout }));

addBranchCommands(program, execute, withCommon, withWait);

addHookCommands(program, execute, withCommon);

program.addHelpText(
  'after',
  `
Exit codes:
  0    everything passed
  1    a step or a check failed (a tool exited non-zero, a schema differs, lint found an error)
  2    usage, configuration or environment error, or a refusal that protects a database
  130  interrupted`,
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    throw error;
  }
}
