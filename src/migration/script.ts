import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';
import { failure, usageError } from '../errors.js';
import { ISOLATED, PROBE_MS } from '../python/probe.js';

// src/ and dist/ sit at the same depth under the package root, so this holds for both.
const READER = fileURLToPath(new URL('../../templates/migration_ops.py', import.meta.url));

/** A keyword argument as the script wrote it: its value when literal, else its source text ("text('0')", "String(length=50)"). */
export type OpArg = string | number | boolean | null | (string | number | boolean | null)[];

/** One `op.*` or `batch_op.*` call in upgrade() or downgrade(). */
export interface MigrationOp {
  /** Alembic's name for it: add_column, drop_column, alter_column, batch_alter_table … */
  name: string;
  line: number;
  /** Called on the `batch_op` of a `with op.batch_alter_table(...)` block. */
  batch: boolean;
  /** null when the script computes it. */
  table: string | null;
  column: string | null;
  /** nullable, server_default, default, type_, existing_type … when given, and the index or constraint `name`. */
  args: Record<string, OpArg>;
}

/** upgrade() or downgrade(). */
export interface MigrationFunction {
  /** The line of its `def`. */
  line: number;
  /** Only `pass`, a docstring or comments: what autogenerate writes when it finds no change. */
  empty: boolean;
  ops: MigrationOp[];
}

/** What every script has, whether it parses or not. */
interface Revisions {
  /** The path readMigration was given. */
  file: string;
  revision: string | null;
  /** null for the first revision, and when the script does not parse; a list for a merge. */
  downRevision: string | string[] | null;
  downRevisionLine: number | null;
}

/** A script that parses: what its upgrade() and downgrade() do. */
export interface ParsedMigration extends Revisions {
  functions: { upgrade: MigrationFunction; downgrade: MigrationFunction | null };
  syntaxError: null;
}

/** A script Python cannot parse. */
export interface BrokenMigration extends Revisions {
  functions: null;
  syntaxError: { line: number; message: string };
}

/** What one migration script does, read without importing it. */
export type MigrationScript = ParsedMigration | BrokenMigration;

/** migration_ops.py's JSON, before devdb renames its keys and refuses scripts without upgrade(). */
interface ReaderOutput {
  revision: string | null;
  down_revision: string | string[] | null;
  down_revision_line: number | null;
  functions: { upgrade: MigrationFunction | null; downgrade: MigrationFunction | null } | null;
  syntaxError: { line: number; message: string } | null;
}

/**
 * Reads a migration script's revisions and the operations of its upgrade() and downgrade(),
 * with the project's Python: in a process of its own, or with `helperIn`, in devdb's helper
 * running in that folder (readMigrations).
 */
export async function readMigration(python: string, file: string, helperIn?: string): Promise<MigrationScript> {
  if (!(await fs.pathExists(file))) {
    throw usageError(`The migration script ${file} does not exist; give the path of a file in the project's versions folder.`);
  }
  const [script] = await readMigrations(python, [file], helperIn);
  return script!;
}

/** The reader's JSON for `file` as devdb names it; a script without upgrade() is refused. */
function scriptFrom(file: string, output: ReaderOutput): MigrationScript {
  const { functions, syntaxError, down_revision: downRevision, down_revision_line: downRevisionLine, revision } = output;
  const revisions = { file, revision, downRevision, downRevisionLine };
  if (syntaxError) return { ...revisions, functions: null, syntaxError };
  if (!functions?.upgrade) {
    throw usageError(`${file} has no upgrade() function, so it is not an Alembic migration script; give the path of one.`);
  }
  return { ...revisions, functions: { upgrade: functions.upgrade, downgrade: functions.downgrade }, syntaxError: null };
}

/** The reader's run: its exit code and the lines it printed, one JSON object per script. */
interface ReaderRun {
  exitCode: number | undefined;
  lines: string[];
  detail: string;
}

const readerTimeout = (python: string, files: string[]): string =>
  `Reading ${files.length === 1 ? files[0] : `${files.length} migration scripts`} with ${python} did not finish within ${PROBE_MS / 1000} s; check that this Python starts (run it by hand).`;

/** The reader as a Python of its own: -E -s (Python 2 has no -I), since it needs only the stdlib and nothing from the environment should run first. */
async function readAlone(python: string, files: string[]): Promise<ReaderRun> {
  const result = await execa(python, [...ISOLATED, READER, ...files], { reject: false, stdin: 'ignore', timeout: PROBE_MS });
  if (result.failed && (result as { code?: string }).code === 'ENOENT') {
    throw usageError(`${python} could not be started (not found); set "python" in devdb.json to the project's Python.`);
  }
  if (result.timedOut) throw failure(readerTimeout(python, files));
  return { exitCode: result.exitCode, lines: result.stdout.split('\n'), detail: result.stderr || result.stdout };
}

/** The reader in devdb's helper (which verify and cycle start anyway): no Python start of its own. */
async function readInHelper(python: string, files: string[], cwd: string): Promise<ReaderRun> {
  const { runInProcess, PYTHON_FILE } = await import('../python/alembic-server.js');
  const result = await runInProcess(python, cwd, { name: PYTHON_FILE, path: READER }, files, [], undefined, { ms: PROBE_MS, message: readerTimeout(python, files) });
  return { exitCode: result.exitCode, lines: result.lines, detail: result.lines.join('\n') };
}

/** readMigration for many scripts in one Python process (a whole history: one process instead of one per script). */
export async function readMigrations(python: string, files: string[], helperIn?: string): Promise<MigrationScript[]> {
  if (files.length === 0) return [];
  const run = helperIn === undefined ? await readAlone(python, files) : await readInHelper(python, files, helperIn);
  const lines = run.lines.filter((line) => line.trim() !== '');
  if (run.exitCode !== 0 || lines.length !== files.length) {
    throw failure(`Reading ${files.length === 1 ? files[0] : 'the migration scripts'} with ${python} failed (exit code ${run.exitCode}); check that it is Python 2.7 or 3.6+.`, run.detail);
  }
  return files.map((file, i) => {
    try {
      return scriptFrom(file, JSON.parse(lines[i]!) as ReaderOutput);
    } catch (error) {
      if (error instanceof SyntaxError) throw failure(`Reading ${file} with ${python} printed something other than JSON; check that nothing in that Python prints on start-up.`, lines[i]);
      throw error;
    }
  });
}
