import fs from 'fs-extra';
import Database from 'better-sqlite3';
import { failure, usageError } from '../errors.js';
import type { Engine } from './engine.js';
import { copyDatabase, countRows, seedRows, sqliteInspector } from './sqlite.js';
import type { DatabaseTarget } from './url.js';

/** SQLite keeps these beside a database; they go with it. */
export const SIDECARS = ['-journal', '-wal', '-shm'];

const fileOf = (target: DatabaseTarget): string => {
  if (!target.file) throw new Error(`not a SQLite target: ${target.url}`);
  return target.file;
};

/** The revisions a database is stamped with (its alembic_version rows); empty when it has none. */
function currentRevisions(target: DatabaseTarget): string[] {
  if (!target.file || !fs.existsSync(target.file)) return [];
  const db = new Database(target.file, { readonly: true, fileMustExist: true });
  try {
    const exists = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'alembic_version'").get();
    if (!exists) return [];
    return (db.prepare('select version_num from alembic_version').all() as { version_num: string }[]).map((r) => r.version_num);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw usageError(`The database ${target.file} is locked by another program (it holds a write transaction); close that program or let it finish, then run again.`);
    }
    throw failure(`sqlite: reading alembic_version of ${target.file}: ${(error as Error).message}; check that it is a SQLite database.`);
  } finally {
    db.close();
  }
}

/**
 * SQLite behind the Engine interface. A database is a file the tools create, so
 * `create` has nothing to do, and the marker is the file's identity (inode and
 * birth time, as inode numbers get reused): a file put in devdb's place is not devdb's.
 */
export function sqliteEngine(): Engine {
  return {
    name: 'sqlite',
    exists: async (target) => fs.pathExists(fileOf(target)),
    create: async () => {},
    marker: async (target) => {
      const stat = await fs.stat(fileOf(target)).catch(() => undefined);
      return stat ? `${stat.ino}:${stat.birthtimeMs}` : undefined;
    },
    drop: async (target) => {
      for (const suffix of ['', ...SIDECARS]) await fs.remove(fileOf(target) + suffix);
    },
    copy: async (source, dest) => copyDatabase(fileOf(source), fileOf(dest)),
    inspect: async (target) => sqliteInspector(fileOf(target)).inspect(),
    countRows: async (target) => countRows(fileOf(target)),
    seedRows: async (target, tables) => seedRows(fileOf(target), tables),
    revisions: async (target) => currentRevisions(target),
    close: async () => {},
  };
}
