import path from 'node:path';
import fs from 'fs-extra';
import { realFile } from '../engines/url.js';
import { LOCAL_CONFIG_FILE } from '../config/files.js';
import type { Vcs } from './index.js';

/** What adding ignore patterns did: the ignore file and the lines it gained. */
export interface IgnoreResult {
  file: string;
  added: string[];
}

/** The ignore file of a checkout: .gitignore or .hgignore at its top. */
export const ignoreFile = (vcs: Vcs): string => path.join(vcs.top, vcs.kind === 'git' ? '.gitignore' : '.hgignore');

/** A file or folder inside the checkout as an ignore pattern (relative to its top, forward slashes); undefined when outside it. */
export function ignorePattern(vcs: Vcs, file: string, folder = false): string | undefined {
  const relative = path.relative(realFile(vcs.top), realFile(path.resolve(file)));
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return `${relative.split(path.sep).join('/')}${folder ? '/' : ''}`;
}

/**
 * The files devdb writes that a commit must never pick up, as patterns of the checkout's
 * ignore file: the throwaway INI and the INIs devdb writes beside it, the SQLite
 * throwaway, .devdb/ and the per-user devdb.local.json.
 */
export function throwawayPatterns(vcs: Vcs, root: string, throwawayIni: string, throwawayDb: string | undefined): string[] {
  const ini = path.resolve(root, throwawayIni);
  // temp.postgres.ini, temp.mysql.ini, temp.devdb-base.ini: one glob for the INIs devdb writes beside temp.ini.
  const siblings = path.join(path.dirname(ini), `${path.basename(ini, path.extname(ini))}.*${path.extname(ini)}`);
  return [
    ignorePattern(vcs, ini),
    ignorePattern(vcs, siblings),
    throwawayDb && ignorePattern(vcs, throwawayDb),
    ignorePattern(vcs, path.join(root, '.devdb'), true),
    ignorePattern(vcs, path.join(root, LOCAL_CONFIG_FILE)),
  ].filter((pattern): pattern is string => Boolean(pattern));
}

/**
 * Appends the glob patterns the ignore file lacks, leaving every existing byte
 * alone. Mercurial reads regexps unless told otherwise, so its patterns go under a
 * `syntax: glob` line unless glob is already the syntax in force at the end.
 */
export async function addIgnores(vcs: Vcs, patterns: string[]): Promise<IgnoreResult> {
  const file = ignoreFile(vcs);
  const text = (await fs.pathExists(file)) ? await fs.readFile(file, 'utf8') : '';
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const added = [...new Set(patterns)].filter((pattern) => !lines.includes(pattern));
  if (added.length === 0) return { file, added };
  const syntax = lines.filter((line) => /^syntax:/.test(line)).at(-1)?.replace(/^syntax:\s*/, '');
  const header = vcs.kind === 'hg' && syntax !== 'glob' ? ['syntax: glob'] : [];
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await fs.appendFile(file, `${separator}${[...header, ...added].join('\n')}\n`);
  return { file, added };
}
