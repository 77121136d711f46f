import path from 'node:path';
import fs from 'fs-extra';
import { usageError } from '../errors.js';
import { currentRevisions } from '../python/alembic.js';
import { copyDatabase } from './sqlite.js';
import type { DatabaseTarget } from './url.js';

/** A copy of the development database taken before devdb changed it. */
export interface Snapshot {
  id: string;
  createdAt: string;
  /** Why it was taken: "before applying 3f2a…", "before restoring …". */
  reason: string;
  /** The Alembic revisions the database was at. */
  revisions: string[];
  /** The database it is a copy of. */
  source: string;
  file: string;
  bytes: number;
}

const folder = (stateDir: string): string => path.join(stateDir, 'snapshots');

/** Copies the development database into .devdb/snapshots (SQLite's backup API: consistent even if in use). */
export async function takeSnapshot(stateDir: string, database: DatabaseTarget, reason: string): Promise<Snapshot> {
  if (!database.file) throw usageError(`Snapshots of ${database.engine} databases are not supported yet; use a SQLite development database.`);
  const revisions = currentRevisions(database);
  // Milliseconds: a restore right after a cycle takes its safety snapshot within the same second.
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const id = `${stamp}-${revisions[0]?.slice(0, 12) ?? 'base'}`;
  const file = path.join(folder(stateDir), `${id}.db`);
  await fs.ensureDir(folder(stateDir));
  await copyDatabase(database.file, file);
  const snapshot: Snapshot = { id, createdAt: new Date().toISOString(), reason, revisions, source: database.file, file, bytes: (await fs.stat(file)).size };
  await fs.writeJson(path.join(folder(stateDir), `${id}.json`), snapshot, { spaces: 2 });
  return snapshot;
}

/** Every snapshot, oldest first. */
export async function listSnapshots(stateDir: string): Promise<Snapshot[]> {
  const dir = folder(stateDir);
  if (!(await fs.pathExists(dir))) return [];
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const snapshots: Snapshot[] = [];
  for (const name of names) {
    const snapshot = (await fs.readJson(path.join(dir, name)).catch(() => undefined)) as Snapshot | undefined;
    if (snapshot && (await fs.pathExists(snapshot.file))) snapshots.push(snapshot);
  }
  return snapshots;
}

/** A snapshot by id or unique id prefix; "latest" is the newest. */
export async function findSnapshot(stateDir: string, id: string): Promise<Snapshot> {
  const all = await listSnapshots(stateDir);
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

/**
 * Puts a snapshot back as the development database. The current database is
 * snapshotted first, so a restore loses nothing either; the swap is a rename.
 */
export async function restoreSnapshot(stateDir: string, database: DatabaseTarget, snapshot: Snapshot): Promise<Snapshot | undefined> {
  const target = database.file as string;
  const safety = (await fs.pathExists(target)) ? await takeSnapshot(stateDir, database, `before restoring ${snapshot.id}`) : undefined;
  const incoming = `${target}.devdb-restore`;
  await fs.remove(incoming);
  await copyDatabase(snapshot.file, incoming);
  // A journal or WAL beside the old file belongs to it; left there, SQLite would replay it into the restored one.
  for (const suffix of ['-journal', '-wal', '-shm']) await fs.remove(target + suffix);
  await fs.rename(incoming, target);
  return safety;
}
