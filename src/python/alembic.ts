import path from 'node:path';
import Database from 'better-sqlite3';
import fs from 'fs-extra';
import type { DatabaseTarget } from '../engines/url.js';
import { failure, usageError } from '../errors.js';

/** The heads in `alembic heads --verbose` output: "Rev: abc123 (head)" and the "Path: …" of its script. */
export function parseHeads(output: string): { revision: string; path: string | undefined }[] {
  return output
    .split(/\n(?=Rev: )/)
    .map((block) => ({ revision: /^Rev: ([0-9a-zA-Z_]+)\b.*\(head\)/m.exec(block)?.[1], path: /^\s*Path: (.+)$/m.exec(block)?.[1]?.trim() }))
    .filter((head): head is { revision: string; path: string | undefined } => head.revision !== undefined);
}

/** The path of the script `alembic revision` wrote ("Generating /x/y.py ...  done"). */
export function parseGenerated(output: string, cwd: string): string | undefined {
  const match = /Generating (.+?\.py)(?: \.\.\.|\s*$)/m.exec(output);
  return match ? path.resolve(cwd, (match[1] as string).trim()) : undefined;
}

/** Whether Alembic refused to autogenerate because the database is behind ("Target database is not up to date"). */
export const isNotUpToDate = (output: string): boolean => /Target database is not up to date/.test(output);

/** The revisions a database is stamped with (its alembic_version rows); empty when it has none. */
export function currentRevisions(target: DatabaseTarget): string[] {
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
