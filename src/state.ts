import path from 'node:path';
import fs from 'fs-extra';

/** A database devdb created (see engines/ownership.ts). */
export interface OwnedDatabase {
  engine: string;
  key: string;
  identity?: string;
  createdAt: string;
}

/** The migration the last cycle generated, until it is committed. */
export interface Draft {
  file: string;
  revision: string;
  /** The snapshot of the development database taken before the draft was applied to it. */
  snapshot?: string;
  applied: boolean;
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

/** Changes the state with `change` and writes it atomically (temp file, then rename). */
export async function updateState(stateDir: string, change: (state: State) => void): Promise<void> {
  const state = await readState(stateDir);
  change(state);
  await fs.ensureDir(stateDir);
  const file = stateFile(stateDir);
  await fs.writeJson(`${file}.tmp`, state, { spaces: 2 });
  await fs.rename(`${file}.tmp`, file);
}
