import { randomBytes } from 'node:crypto';
import path from 'node:path';
import fs from 'fs-extra';
import { DevdbError, EXIT, usageError } from '../errors.js';
import { engineFor } from './index.js';
import { dropOwned, makeOwned } from './ownership.js';
import { restoreInPlace } from './sqlite/restore.js';
import { readState } from '../state.js';
import { databaseName, serverTarget } from './targets.js';
import type { DatabaseTarget } from './url.js';

/** A copy of the development database taken before devdb changed it. */
export interface Snapshot {
  id: string;
  createdAt: string;
  /** Why it was taken: "before applying 3f2a…", "before restoring …". */
  reason: string;
  /** The Alembic revisions the database was at. */
  revisions: string[];
  /** The database it is a copy of (a SQLite path, or a server database's name). */
  source: string;
  /** SQLite: the copy's file in .devdb/snapshots. */
  file?: string;
  /** PostgreSQL, MariaDB: the copy's database on the development database's server. */
  database?: string;
  /** SQLite: the copy's size. */
  bytes?: number;
  /** A branch snapshot (devdb branch save): the branch the database was taken on. Kept per branch, not with the others. */
  branch?: string;
}

const folder = (stateDir: string): string => path.join(stateDir, 'snapshots');

/** Where a snapshot's copy lives: its file, or its database on the development database's server. */
export function snapshotTarget(snapshot: Pick<Snapshot, 'file' | 'database'>, database: DatabaseTarget): DatabaseTarget {
  if (snapshot.file) return { engine: 'sqlite', url: `sqlite:///${snapshot.file}`, file: snapshot.file };
  if (database.engine === 'sqlite' || !snapshot.database) throw usageError('That snapshot is of a server database but the development database is SQLite now; restore it on the server yourself.');
  return serverTarget(database.engine, database.url, snapshot.database);
}

/**
 * Copies the development database into .devdb/snapshots (SQLite's backup API:
 * consistent even if in use), or into a database devdb owns on the same server
 * (PostgreSQL: CREATE DATABASE … TEMPLATE; MariaDB: table by table).
 */
export async function takeSnapshot(stateDir: string, database: DatabaseTarget, reason: string, branch?: string): Promise<Snapshot> {
  const engine = await engineFor(database.engine);
  const revisions = await engine.revisions(database);
  // Milliseconds: a restore right after a cycle takes its safety snapshot within the same second.
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const id = `${stamp}-${revisions[0]?.slice(0, 12) ?? 'base'}`;
  const copy: Pick<Snapshot, 'file' | 'database'> = database.file
    ? { file: path.join(folder(stateDir), `${id}.db`) }
    : { database: databaseName(path.dirname(stateDir), `snap_${stamp.toLowerCase()}_${randomBytes(2).toString('hex')}`) };
  const meta = path.join(folder(stateDir), `${id}.json`);
  try {
    await fs.ensureDir(folder(stateDir));
    await makeOwned(stateDir, snapshotTarget(copy, database), database, 'snapshot');
    const snapshot: Snapshot = {
      id,
      createdAt: new Date().toISOString(),
      reason,
      revisions,
      source: database.file ?? database.database ?? '',
      ...copy,
      ...(copy.file ? { bytes: (await fs.stat(copy.file)).size } : {}),
      ...(branch === undefined ? {} : { branch }),
    };
    await fs.writeJson(meta, snapshot, { spaces: 2 });
    return snapshot;
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    if (copy.file) await fs.remove(copy.file);
    await fs.remove(meta);
    throw new DevdbError(
      `There is no space left to snapshot the development database into ${folder(stateDir)} (database or disk is full); the development database is intact and the partial snapshot was removed: free space on that disk, or keep .devdb on a disk with room (a symlink to a folder there works), then run again.`,
      { exitCode: EXIT.usage, cause: error },
    );
  }
}

/** SQLite's "database or disk is full", or the file system's ENOSPC, anywhere in the error's causes. */
function isDiskFull(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown; message?: string } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC' || /database or disk is full|No space left/.test(e.message ?? '')) return true;
  }
  return false;
}

/** Every snapshot of `database` whose copy still exists, oldest first. */
export async function listSnapshots(stateDir: string, database: DatabaseTarget): Promise<Snapshot[]> {
  const dir = folder(stateDir);
  if (!(await fs.pathExists(dir))) return [];
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const engine = await engineFor(database.engine);
  const snapshots: Snapshot[] = [];
  for (const name of names) {
    const snapshot = (await fs.readJson(path.join(dir, name)).catch(() => undefined)) as Snapshot | undefined;
    if (!snapshot || Boolean(snapshot.file) !== Boolean(database.file)) continue;
    if (snapshot.file ? await fs.pathExists(snapshot.file) : await engine.exists(snapshotTarget(snapshot, database))) snapshots.push(snapshot);
  }
  return snapshots;
}

/** A snapshot by id or unique id prefix; "latest" is the newest. */
export async function findSnapshot(stateDir: string, database: DatabaseTarget, id: string): Promise<Snapshot> {
  const all = await listSnapshots(stateDir, database);
  if (id === 'latest') {
    const latest = all[all.length - 1];
    if (!latest) throw usageError('There are no snapshots yet; devdb takes one each time it changes the development database.');
    return latest;
  }
  const matches = all.filter((s) => s.id === id || s.id.startsWith(id));
  if (matches.length !== 1) {
    throw usageError(`${matches.length === 0 ? 'No snapshot' : 'More than one snapshot'} matches "${id}"; run "devdb snapshot list" and give a full id.`);
  }
  return matches[0] as Snapshot;
}

/** How restoreSnapshot works: the project's Python copies a SQLite snapshot; `say` hears of a database in use; `safety: false` skips the snapshot of the current database (it is one already). */
export interface RestoreOptions {
  python: string;
  say?: (line: string) => void;
  safety?: boolean;
}

/**
 * Puts a snapshot back as the development database. The current database is
 * snapshotted first, so a restore loses nothing either. SQLite is restored in place
 * (see sqlite/restore.ts); a server database is dropped and copied again from the snapshot.
 */
export async function restoreSnapshot(stateDir: string, database: DatabaseTarget, snapshot: Snapshot, how: RestoreOptions): Promise<Snapshot | undefined> {
  const engine = await engineFor(database.engine);
  const safety = how.safety !== false && (await engine.exists(database)) ? await takeSnapshot(stateDir, database, `before restoring ${snapshot.id}`) : undefined;
  const source = snapshotTarget(snapshot, database);
  if (!database.file) {
    try {
      await engine.drop(database);
      await engine.copy(source, database, '');
    } catch (error) {
      const back = safety ? `; what it was is snapshot ${safety.id}: run "devdb snapshot restore ${safety.id}"` : '';
      throw new DevdbError(`Restoring snapshot ${snapshot.id} failed (${(error as Error).message})${back}.`, { exitCode: EXIT.failed, cause: error });
    }
    return safety;
  }
  await restoreInPlace(how.python, source.file as string, database.file, how.say ?? (() => {}));
  return safety;
}

/**
 * Keeps the newest `keep` snapshots of `database` that are not branch snapshots (those
 * are kept per branch, see keepNewestBranchSnapshots), and the one the uncommitted draft
 * goes back to however old it is; drops the rest. Returns the ids dropped.
 */
export async function keepNewestSnapshots(stateDir: string, database: DatabaseTarget, keep: number): Promise<string[]> {
  return dropAllBut(stateDir, database, (await listSnapshots(stateDir, database)).filter((s) => s.branch === undefined), keep);
}

/** Keeps the newest `keep` branch snapshots of `branch` (and `spare`, the one just restored); drops the rest. Returns the ids dropped. */
export async function keepNewestBranchSnapshots(stateDir: string, database: DatabaseTarget, branch: string, keep: number, spare?: string): Promise<string[]> {
  const all = (await listSnapshots(stateDir, database)).filter((s) => s.branch === branch && s.id !== spare);
  return dropAllBut(stateDir, database, all, keep);
}

async function dropAllBut(stateDir: string, database: DatabaseTarget, all: Snapshot[], keep: number): Promise<string[]> {
  const needed = (await readState(stateDir)).draft?.snapshot;
  const dropped: string[] = [];
  for (const snapshot of all.slice(0, Math.max(0, all.length - keep))) {
    if (snapshot.id === needed) continue;
    if ((await dropOwned(stateDir, snapshotTarget(snapshot, database))) === 'foreign') continue;
    await fs.remove(path.join(folder(stateDir), `${snapshot.id}.json`));
    dropped.push(snapshot.id);
  }
  return dropped;
}
