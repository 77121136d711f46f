import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readRevisionHeader, type RevisionHeader } from './chain.js';
import { buildGraph, scriptMessage, type RevisionGraph } from './graph.js';

/** A script's header with its message. */
export type ScriptHeader = RevisionHeader & { message: string };

/**
 * The scripts of a versions folder (root-relative, '/'-separated) as the working tree
 * has them, read without Python: what `devdb status` and `devdb graph` draw.
 */
export async function readVersions(root: string, versions: string): Promise<ScriptHeader[]> {
  const dir = path.join(root, versions);
  const names = (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isFile() && e.name.endsWith('.py') && e.name !== '__init__.py').map((e) => e.name);
  return Promise.all(
    names.sort().map(async (name) => {
      const source = await readFile(path.join(dir, name), 'utf8');
      return { ...readRevisionHeader(`${versions}/${name}`, source), message: scriptMessage(source) };
    }),
  );
}

export const versionsGraph = async (root: string, versions: string): Promise<RevisionGraph> => buildGraph(await readVersions(root, versions));
