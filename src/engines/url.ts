import path from 'node:path';
import fs from 'node:fs';
import { usageError } from '../errors.js';
import type { EngineName } from '../schema/model.js';

/** Where a database lives, resolved once: a SQLite file, or a database on a server. */
export interface DatabaseTarget {
  engine: EngineName;
  /** The URL as SQLAlchemy gets it (after INI interpolation). */
  url: string;
  /** SQLite: absolute path of the database file. */
  file?: string;
  /** PostgreSQL and MariaDB/MySQL: the database's name on the server the URL points at. */
  database?: string;
}

const SCHEMES: Record<string, EngineName> = {
  sqlite: 'sqlite',
  postgresql: 'postgres',
  postgres: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
};

/**
 * Resolves a SQLAlchemy URL. Relative SQLite paths are relative to `cwd`, the folder
 * the Python tools run in, as SQLAlchemy would resolve them.
 */
export function parseDatabaseUrl(url: string, cwd: string, where: string): DatabaseTarget {
  const scheme = /^([a-z0-9]+)(\+[a-z0-9_]+)?:\/\//i.exec(url);
  const engine = scheme ? SCHEMES[(scheme[1] as string).toLowerCase()] : undefined;
  if (!scheme || !engine) {
    throw usageError(`The database URL "${url}" in ${where} has an unknown scheme; use sqlite:///, postgresql:// or mysql://.`);
  }
  if (engine !== 'sqlite') return { engine, url };
  const rest = url.slice(scheme[0].length).replace(/\?.*$/, '');
  if (!rest.startsWith('/') || rest === '/' || rest === '/:memory:') {
    throw usageError(`The database URL "${url}" in ${where} is an in-memory SQLite database; give it a file path (sqlite:///temp.db).`);
  }
  return { engine, url, file: path.resolve(cwd, rest.slice(1)) };
}

/** A SQLite URL for `file`, written relative to the INI's folder with %(here)s when inside it. */
export function sqliteUrlFor(file: string, iniDir: string): string {
  const escape = (text: string): string => text.replace(/%/g, '%%');
  const relative = path.relative(iniDir, file);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return `sqlite:///%(here)s/${escape(relative.split(path.sep).join('/'))}`;
  }
  return `sqlite:///${escape(file)}`;
}

/** The real path of a file that may not exist yet: its folder's real path plus its name. */
export function realFile(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
    } catch {
      return path.resolve(file);
    }
  }
}

/** Whether two targets are the same database (SQLite: same file after symlinks). */
export function sameDatabase(a: DatabaseTarget, b: DatabaseTarget): boolean {
  if (a.engine !== b.engine) return false;
  if (a.file && b.file) return realFile(a.file) === realFile(b.file);
  return a.url === b.url;
}

/** A short name for a target, for people. */
export function describeTarget(target: DatabaseTarget, root: string): string {
  if (target.file) {
    const relative = path.relative(root, target.file);
    return relative.startsWith('..') ? target.file : relative;
  }
  return target.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
