import { fileURLToPath } from 'node:url';
import { DevdbError, EXIT, usageError } from '../../errors.js';
import { trackChild } from '../../children.js';
import { PYTHON_ENV } from '../../python/run.js';
import { pythonVersion } from '../../python/version.js';

const RESTORE = fileURLToPath(new URL('../../../templates/sqlite_restore.py', import.meta.url));

/** How long another process may hold the database's lock before devdb gives up, and how long the whole copy may take. */
const WAIT_SECONDS = 30;
const DEADLINE_MS = 10 * 60_000;

/**
 * Copies a snapshot into the development database in place, with SQLite's backup API
 * (in the project's Python: better-sqlite3 cannot wait on a busy destination). The
 * file is never replaced, so a program holding it open keeps working and sees the
 * restored rows; a copy cut short is rolled back by SQLite's journal.
 */
export async function restoreInPlace(python: string, snapshot: string, database: string, say: (line: string) => void): Promise<void> {
  const { execa } = await import('execa');
  // Python 2's sqlite3 has no backup API (the gearbox era's projects run on 2.7); the script needs only the standard library.
  const runner = (await pythonVersion(python))[0] >= 3 ? python : 'python3';
  const child = execa(runner, [RESTORE, snapshot, database, String(WAIT_SECONDS)], { reject: false, stdin: 'ignore', env: PYTHON_ENV, timeout: DEADLINE_MS });
  trackChild(child);
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    if (chunk.includes('"busy"')) say(`${database} is in use by another process that holds a lock on it; waiting up to ${WAIT_SECONDS} s for it`);
  });
  const result = await child;
  if (result.exitCode === 0) return;
  if (result.exitCode === 3) {
    throw usageError(`${database} is in use by another process that kept it locked for ${WAIT_SECONDS} s; nothing was changed: let that process finish or stop it, then run again.`);
  }
  const why = result.timedOut ? `it took longer than ${DEADLINE_MS / 60_000} minutes` : String(result.stderr).trim().split('\n').pop() || `exit code ${result.exitCode}`;
  throw new DevdbError(`Copying snapshot ${snapshot} into ${database} failed (${why}); the database keeps what it held (SQLite rolls an unfinished copy back).`, { exitCode: EXIT.failed });
}
