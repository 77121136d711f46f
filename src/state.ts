import { createHash } from 'node:crypto';
import path from 'node:path';
import fs from 'fs-extra';

/** A database devdb created (see engines/ownership.ts). */
export interface OwnedDatabase {
  engine: string;
  key: string;
  identity?: string;
  createdAt: string;
  /** A snapshot of the development database: kept by clean unless --snapshots. */
  role?: 'snapshot';
}

/** The migration the last cycle generated, until it is committed. */
export interface Draft {
  file: string;
  revision: string;
  /** sha256 of the script as devdb last wrote or applied it: a different file was edited by hand since. */
  sha256?: string;
  /** The snapshot of the development database taken before the draft was applied to it. */
  snapshot?: string;
  applied: boolean;
  /** The development database's fingerprint right after the draft was applied (engines/fingerprint.ts). */
  fingerprint?: string;
  /** The script as it was applied, kept in .devdb/backups: its downgrade undoes what is in the database. */
  appliedScript?: string;
  /** The safety snapshot taken just before the draft's downgrade started: set while it runs, so a run stopped meanwhile is put back by the next. */
  undoing?: string;
}

/** sha256 of a file's bytes (a draft script), or undefined when it is missing. */
export async function fileSha256(file: string): Promise<string | undefined> {
  const bytes = await fs.readFile(file).catch(() => undefined);
  return bytes ? createHash('sha256').update(bytes).digest('hex') : undefined;
}

/** What devdb remembers between runs, in .devdb/state.json. */
export interface State {
  owned: OwnedDatabase[];
  draft?: Draft;
}

const stateFile = (stateDir: string): string => path.join(stateDir, 'state.json');

/** Reads .devdb/state.json; a missing or unreadable one is an empty state. */
export async function readState(stateDir: string): Promise<State> {
  try {
    const state = (await fs.readJson(stateFile(stateDir))) as Partial<State>;
    return { ...state, owned: Array.isArray(state.owned) ? state.owned : [] };
  } catch {
    return { owned: [] };
  }
}

/** Updates in flight, by state folder: engines proven side by side record and drop databases at once, and no update may read what another is about to replace. */
const updating = new Map<string, Promise<void>>();

/** Changes the state with `change` and writes it atomically (temp file, then rename); updates in this process run one after another. */
export function updateState(stateDir: string, change: (state: State) => void): Promise<void> {
  const update = (updating.get(stateDir) ?? Promise.resolve()).then(async () => {
    const state = await readState(stateDir);
    change(state);
    await fs.ensureDir(stateDir);
    const file = stateFile(stateDir);
    await fs.writeJson(`${file}.tmp`, state, { spaces: 2 });
    await fs.rename(`${file}.tmp`, file);
  });
  const settled = update.catch(() => undefined);
  updating.set(stateDir, settled);
  void settled.then(() => {
    if (updating.get(stateDir) === settled) updating.delete(stateDir);
  });
  return update;
}
