import fs from 'fs-extra';
import { readState, updateState, type OwnedDatabase } from '../state.js';
import { realFile, type DatabaseTarget } from './url.js';

// devdb never deletes a database it did not make. A SQLite file is known by its real
// path and identity (inode and birth time, as inode numbers get reused): a file put
// in its place by someone else is not devdb's.

const keyOf = (target: DatabaseTarget): string => (target.file ? realFile(target.file) : target.url);

const identityOf = (target: DatabaseTarget): string | undefined => {
  if (!target.file) return undefined;
  try {
    const stat = fs.statSync(target.file);
    return `${stat.ino}:${stat.birthtimeMs}`;
  } catch {
    return undefined;
  }
};

/** Whether devdb created this database (and, for SQLite, it is still the same file). */
export async function ownsDatabase(stateDir: string, target: DatabaseTarget): Promise<boolean> {
  const key = keyOf(target);
  const entry = (await readState(stateDir)).owned.find((o) => o.key === key);
  if (!entry) return false;
  return entry.identity === undefined || entry.identity === identityOf(target);
}

/** Records that devdb created this database (call again after creation to record the file's identity). */
export async function recordOwned(stateDir: string, target: DatabaseTarget): Promise<void> {
  const key = keyOf(target);
  const entry: OwnedDatabase = { engine: target.engine, key, createdAt: new Date().toISOString() };
  const identity = identityOf(target);
  if (identity !== undefined) entry.identity = identity;
  await updateState(stateDir, (state) => {
    state.owned = [...state.owned.filter((o) => o.key !== key), entry];
  });
}
