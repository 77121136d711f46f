import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevdbError, EXIT, usageError } from '../errors.js';
import { trackChild } from '../children.js';
import { PYTHON_ENV } from './run.js';

// src/ and dist/ sit at the same depth under the package root, so this holds for both.
const READER = fileURLToPath(new URL('../../templates/alembic_revisions.py', import.meta.url));
/** Loading the scripts imports every one of them; a project that hangs on import must not hang devdb. */
const DEADLINE_MS = 120_000;

/** One migration script as Alembic's ScriptDirectory reads it. */
export interface AlembicRevision {
  revision: string;
  /** Parents: empty for the first revision, several for a merge. */
  downRevisions: string[];
  /** Absolute path of the script. */
  path: string;
}

/** The project's migrations as Alembic reads them through an INI: every revision, and the heads. */
export interface AlembicScripts {
  heads: AlembicRevision[];
  revisions: AlembicRevision[];
}

type ReaderOutput = { error: string; config: boolean } | { heads: string[]; revisions: { revision: string; down_revisions: string[]; path: string }[] };

/** What the reader printed last, and how it ended. */
interface ReaderRun {
  exitCode: number;
  last: string;
  detail: string;
}

/** The reader as a Python of its own, for init, which must work before devdb's helper can. */
async function readAlone(python: string, ini: string, cwd: string, deadline: string): Promise<ReaderRun> {
  const { execa } = await import('execa');
  const child = execa(python, [READER, ini], { cwd, reject: false, stdin: 'ignore', env: PYTHON_ENV, timeout: DEADLINE_MS });
  trackChild(child);
  const result = await child;
  if ((result as { code?: string }).code === 'ENOENT') {
    throw usageError(`${python} could not be started (not found); set "python" in devdb.json to the project's Python.`);
  }
  if (result.timedOut) throw new DevdbError(deadline, { exitCode: EXIT.failed });
  return { exitCode: result.exitCode ?? -1, last: String(result.stdout).trim().split('\n').pop() ?? '', detail: String(result.stderr) };
}

/** The reader in the helper the round trip uses next: no Python start of its own, and Alembic is imported once. */
async function readInHelper(python: string, ini: string, cwd: string, deadline: string): Promise<ReaderRun> {
  const { runInProcess, PYTHON_FILE } = await import('./alembic-server.js');
  const result = await runInProcess(python, cwd, { name: PYTHON_FILE, path: READER }, [ini], [], undefined, { ms: DEADLINE_MS, message: deadline });
  return { exitCode: result.exitCode, last: result.lines.filter((line) => line.trim()).pop() ?? '', detail: result.lines.join('\n') };
}

/**
 * Reads the revisions through `ini` with Alembic's own ScriptDirectory, run from `cwd`
 * (where Alembic runs for this project), so no revision id is ever misparsed. A project
 * whose scripts Alembic cannot load is an error that quotes Alembic's reason. `alone`:
 * in a Python of its own rather than devdb's helper.
 */
export async function readRevisions(python: string, ini: string, cwd: string, show: (file: string) => string = (file) => file, alone = false): Promise<AlembicScripts> {
  const deadline = `Alembic did not finish loading the migration scripts of ${show(ini)} within ${DEADLINE_MS / 1000} s; check that importing them does not wait on something.`;
  const result = await (alone ? readAlone : readInHelper)(python, ini, cwd, deadline);
  let output: ReaderOutput;
  try {
    output = JSON.parse(result.last) as ReaderOutput;
  } catch {
    throw new DevdbError(`Reading the migrations of ${show(ini)} with ${python} failed (exit code ${result.exitCode}); check that Alembic is installed in that Python.`, {
      exitCode: EXIT.failed,
      detail: result.detail,
    });
  }
  if ('error' in output && !output.config) {
    throw new DevdbError(`Alembic cannot load the migration scripts through ${show(ini)} (${output.error}); fix the script it names and run again.`, { exitCode: EXIT.failed });
  }
  if ('error' in output) {
    throw usageError(`Alembic cannot load the migration scripts through ${show(ini)}, run from ${show(cwd)} (${output.error}); fix script_location there (a relative path is read from that folder), or point "devIni" at the INI you run Alembic with.`);
  }
  const revisions = output.revisions.map((r) => ({ revision: r.revision, downRevisions: r.down_revisions, path: r.path }));
  const byId = new Map(revisions.map((r) => [r.revision, r]));
  return { heads: output.heads.map((h) => byId.get(h) as AlembicRevision), revisions };
}

/** The path of the script `alembic revision` wrote ("Generating /x/y.py ...  done"), which Alembic prints relative to where it runs. */
export function parseGenerated(output: string, cwd: string): string | undefined {
  const match = /Generating (.+?\.py)(?: \.\.\.|\s*$)/m.exec(output);
  return match ? path.resolve(cwd, (match[1] as string).trim()) : undefined;
}

/** Whether Alembic refused to autogenerate because the database is behind ("Target database is not up to date"). */
export const isNotUpToDate = (output: string): boolean => /Target database is not up to date/.test(output);
