import { createHash } from 'node:crypto';
import fs from 'fs-extra';
import type { Engine } from '../engine.js';
import type { DatabaseTarget } from '../url.js';

/** SQLite keeps these beside a database; they go with it. */
export const SIDECARS = ['-journal', '-wal', '-shm'];

const fileOf = (target: DatabaseTarget): string => {
  if (!target.file) throw new Error(`not a SQLite target: ${target.url}`);
  return target.file;
};

/** sha256 of a file's bytes, or "none" when it is missing. */
async function fileHash(file: string): Promise<string> {
  const bytes = await fs.readFile(file).catch(() => undefined);
  return bytes ? createHash('sha256').update(bytes).digest('hex') : 'none';
}

/** The driver-backed half, loaded only by what reads or copies a database: a cached reset only checks files. */
const sqlite = () => import('./database.js');

/**
 * SQLite behind the Engine interface. A database is a file the tools create, so
 * `create` has nothing to do, and the marker is the file's identity (inode and
 * birth time, as inode numbers get reused): a file put in devdb's place is not devdb's.
 */
export function sqliteEngine(): Engine {
  return {
    name: 'sqlite',
    warm: async () => {
      await sqlite();
    },
    exists: async (target) => fs.pathExists(fileOf(target)),
    create: async () => {},
    marker: async (target) => {
      const stat = await fs.stat(fileOf(target)).catch(() => undefined);
      return stat ? `${stat.ino}:${stat.birthtimeMs}` : undefined;
    },
    drop: async (target) => {
      for (const suffix of ['', ...SIDECARS]) await fs.remove(fileOf(target) + suffix);
    },
    copy: async (source, dest) => (await sqlite()).copyDatabase(fileOf(source), fileOf(dest)),
    inspect: async (target) => (await sqlite()).sqliteInspector(fileOf(target)).inspect(),
    // Every committed write changes the file (its header counts them) or, in WAL mode, the -wal beside it.
    fingerprint: async (target) => [await fileHash(fileOf(target)), await fileHash(`${fileOf(target)}-wal`)],
    countRows: async (target) => (await sqlite()).countRows(fileOf(target)),
    values: async (target, tables) => (await import('./values.js')).readValues(fileOf(target), tables),
    seedRows: async (target, tables) => (await sqlite()).seedRows(fileOf(target), tables),
    seedShapes: async (target, tables) => (await sqlite()).seedRows(fileOf(target), tables, { shapes: true }),
    revisions: async (target) => (await sqlite()).currentRevisions(target),
    close: async () => {},
  };
}
