import { chmod, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';

/**
 * Writes `text` over a file the user keeps (an INI, .hg/hgrc) all at once: into a
 * temporary file beside it, then a rename, so a run killed part-way leaves the old
 * bytes or the new ones, never half a file. The file keeps its permissions, and a
 * symlink to it stays a symlink.
 */
export async function replaceFile(file: string, text: string): Promise<void> {
  const target = await realpath(file).catch(() => file);
  const mode = (await stat(target).catch(() => undefined))?.mode;
  const temp = `${target}.devdb-tmp`;
  try {
    await writeFile(temp, text);
    if (mode !== undefined) await chmod(temp, mode & 0o7777);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
