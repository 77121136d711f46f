import path from 'node:path';
import fs from 'fs-extra';
import { realFile, type DatabaseTarget } from './url.js';

/**
 * The databases devdb created, kept in .devdb/state.json, so that it never deletes
 * one it did not make. A SQLite file is known by its real path and identity (inode
 * and birth time, as inode numbers get reused): a file put in its place by someone
 * else is not devdb's.
 */
interface OwnedDatabase {
  engine: string;
  key: string;
  identity?: string;
  createdAt: string;
}

interface State {
  owned: OwnedDatabase[];
}

const stateFile = (stateDir: string): string => path.join(stateDir, 'state.json');

async function readState(stateDir: string): Promise<State> {
  try {
    const state = (await fs.readJson(stateFile(stateDir))) as Partial<State>;
    return { owned: Array.isArray(state.owned) ? state.owned : [] };
  } catch {
    return { owned: [] };
  }
}

async function writeState(stateDir: string, state: State): Promise<void> {
  await fs.ensureDir(stateDir);
  const file = stateFile(stateDir);
  await fs.writeJson(`${file}.tmp`, state, { spaces: 2 });
  await fs.rename(`${file}.tmp`, file);
}

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
  const state = await readState(stateDir);
  const key = keyOf(target);
  const entry: OwnedDatabase = { engine: target.engine, key, createdAt: new Date().toISOString() };
  const identity = identityOf(target);
  if (identity !== undefined) entry.identity = identity;
  state.owned = [...state.owned.filter((o) => o.key !== key), entry];
  await writeState(stateDir, state);
}
