import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { globToRegExp } from '../config/project-files.js';

/** Folders no project input lives in: version control, caches, devdb's own state, installed packages. */
const PRUNED = new Set(['.git', '.hg', '.svn', '.devdb', '__pycache__', 'node_modules', '.tox', '.mypy_cache', '.pytest_cache']);

const isVirtualenv = async (dir: string): Promise<boolean> => (await stat(path.join(dir, 'pyvenv.cfg')).catch(() => undefined)) !== undefined;

/** Every file under `dir` (relative to it, '/'-separated), skipping PRUNED folders and virtualenvs. */
export async function walk(dir: string, relative = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, relative), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (PRUNED.has(entry.name) || (await isVirtualenv(path.join(dir, child)))) continue;
      files.push(...(await walk(dir, child)));
    } else if (entry.isFile()) {
      files.push(child);
    }
  }
  return files;
}

/** The folder a glob's matches all live under: its leading segments without wildcards. */
const fixedPrefix = (glob: string): string => {
  const segments = glob.replace(/^\.\//, '').split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/');
};

/** Root-relative files matching any of the globs, sorted. */
export async function globFiles(root: string, globs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of globs) {
    const pattern = globToRegExp(glob.replace(/^\.\//, ''));
    const base = fixedPrefix(glob);
    for (const file of await walk(root, base)) if (pattern.test(file)) found.add(file);
  }
  return [...found].sort();
}

/** A hash of files' names and bytes (a missing file hashes as missing). */
export async function hashFiles(root: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    const bytes = await readFile(path.join(root, file)).catch(() => undefined);
    hash.update(`${file}\0${bytes ? createHash('sha256').update(bytes).digest('hex') : 'missing'}\0`);
  }
  return hash.digest('hex');
}

/** A hash of strings, in order. */
export const hashOf = (...parts: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part}\0`);
  return hash.digest('hex');
};
