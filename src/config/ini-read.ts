import path from 'node:path';
import fs from 'fs-extra';
import ini from 'ini';
import { usageError } from '../errors.js';
import { rawValue, scanIni } from './ini-edit.js';

/** A parsed INI file: its text, its sections as `ini` reads them, and where it lives. */
export interface IniFile {
  path: string;
  text: string;
  sections: Record<string, Record<string, unknown>>;
}

/** Reads and checks an INI file; a file ConfigParser would reject is an error naming the line. */
export async function readIni(file: string, role: string): Promise<IniFile> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(
      code === 'ENOENT'
        ? `The ${role} ${file} does not exist; create it or point devdb at the right file in devdb.json.`
        : `The ${role} ${file} cannot be read (${code}); check its permissions.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw usageError(`The ${role} ${file} is not UTF-8 text, which the project's Python reads it as; save it as UTF-8.`);
  }
  return parseIni(file, text, role);
}

/** Parses INI text already in memory (see readIni). */
export function parseIni(file: string, text: string, role: string): IniFile {
  const problem = scanIni(text).problems[0];
  if (problem) {
    throw usageError(
      `The ${role} ${file} is malformed at line ${problem.line} (${problem.reason}): fix that line or recreate the file.`,
    );
  }
  return { path: file, text, sections: ini.parse(text) as Record<string, Record<string, unknown>> };
}

/**
 * A setting's value as ConfigParser sees it. `ini` drops text after an inline `;` or `#`,
 * which ConfigParser keeps (a password in a database URL may hold one), so where the
 * two disagree the raw line wins.
 */
export function iniValue(file: IniFile, section: string, key: string): string | undefined {
  const parsed = file.sections[section]?.[key];
  const raw = rawValue(file.text, section, key);
  if (raw === undefined) return typeof parsed === 'string' ? parsed : undefined;
  return raw;
}

/**
 * Expands ConfigParser/PasteDeploy interpolation: `%(here)s` is the file's folder,
 * `%(name)s` a key of the same section or of [DEFAULT], `%%` a percent sign.
 */
export function interpolate(file: IniFile, section: string, value: string): string {
  const here = path.dirname(path.resolve(file.path));
  const lookup = (name: string, depth: number): string => {
    if (name === 'here') return here;
    if (name === '__file__') return path.resolve(file.path);
    const found = iniValue(file, section, name) ?? iniValue(file, 'DEFAULT', name);
    if (found === undefined) {
      throw usageError(`The setting %(${name})s used in [${section}] of ${file.path} is not defined; define it in [DEFAULT] or [${section}].`);
    }
    return expand(found, depth + 1);
  };
  const expand = (text: string, depth: number): string => {
    if (depth > 10) throw usageError(`The interpolation in [${section}] of ${file.path} refers to itself; fix the %(...)s references.`);
    return text.replace(/%%|%\(([^)]+)\)s/g, (match, name?: string) => (match === '%%' ? '%' : lookup(name as string, depth)));
  };
  return expand(value, 0);
}
