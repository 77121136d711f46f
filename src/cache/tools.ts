import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Installed-package records in a site-packages folder: their names carry the versions. */
const RECORD = /\.(dist-info|egg-info|egg-link)$/;

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n');

/** site-packages folders of the Python's environment: lib/python*\/site-packages beside its bin/. */
async function sitePackages(python: string): Promise<string[]> {
  const prefixes = [...new Set([path.dirname(path.dirname(python)), path.dirname(path.dirname(await realpath(python).catch(() => python)))])];
  const found: string[] = [];
  for (const prefix of prefixes) {
    for (const lib of ['lib', 'lib64']) {
      for (const entry of await readdir(path.join(prefix, lib)).catch(() => [])) {
        if (!entry.startsWith('python')) continue;
        for (const name of ['site-packages', 'dist-packages']) found.push(path.join(prefix, lib, entry, name));
      }
    }
  }
  return found;
}

/** Folders a .pth file adds: its lines that are paths, and quoted absolute paths in its import lines (site.addsitedir("…")). */
async function pthFolders(dir: string, name: string): Promise<string[]> {
  const folders: string[] = [];
  for (const line of await lines(path.join(dir, name))) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    if (text.startsWith('import ') || text.startsWith('import\t')) {
      for (const match of text.matchAll(/["'](\/[^"']+)["']/g)) folders.push(match[1] as string);
    } else {
      folders.push(path.resolve(dir, text));
    }
  }
  return folders;
}

/**
 * What the tools are, read without starting Python: the interpreter's real path and
 * pyvenv.cfg (its version), and the name of every installed package's record
 * (Kallithea-0.7.0.dist-info, alembic-1.4.3.dist-info …) in the environment's
 * site-packages and in the folders its .pth files add, with those .pth files' text.
 */
export async function toolVersions(python: string): Promise<string[]> {
  const facts = [`python ${await realpath(python).catch(() => python)}`, ...(await lines(path.join(path.dirname(path.dirname(python)), 'pyvenv.cfg')))];
  const seen = new Set<string>();
  const queue = await sitePackages(python);
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const entries = await readdir(dir).catch(() => undefined);
    if (!entries) continue;
    for (const name of entries.sort()) {
      if (RECORD.test(name)) facts.push(`${dir}: ${name}`);
      if (name.endsWith('.pth')) {
        facts.push(`${dir}: ${name}: ${(await lines(path.join(dir, name))).join('\n')}`);
        queue.push(...(await pthFolders(dir, name)));
      }
    }
  }
  return facts;
}
