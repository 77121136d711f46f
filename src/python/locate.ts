import path from 'node:path';
import fs from 'node:fs';
import { usageError } from '../errors.js';
import { detectVcs } from '../vcs/index.js';

const isExecutable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** Virtualenvs devdb looks for, in the project root and then at the top of its checkout. */
const VENVS = ['.venv', 'venv'];

/**
 * Finds the project's Python: a virtualenv in the project root, at the top of its git or
 * Mercurial checkout, one folder up, the active one ($VIRTUAL_ENV), or python3 on PATH.
 */
export function detectPython(root: string): string | undefined {
  const top = detectVcs(root)?.top;
  const folders = [root, ...(top && top !== root ? [top] : []), path.dirname(root)];
  const candidates = folders.flatMap((folder) => VENVS.map((venv) => path.join(folder, venv, 'bin/python')));
  const active = process.env.VIRTUAL_ENV ? [path.join(process.env.VIRTUAL_ENV, 'bin/python')] : [];
  for (const candidate of [...candidates, ...active]) {
    if (isExecutable(candidate)) return candidate;
  }
  return onPath('python3');
}

/** An executable's path on PATH. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Checks the configured Python exists and returns its absolute path. */
export function checkPython(python: string, root: string): string {
  const resolved = path.isAbsolute(python) || python.includes('/') ? path.resolve(root, python) : onPath(python);
  if (!resolved || !isExecutable(resolved)) {
    throw usageError(`The Python ${python} set in devdb.json does not exist or is not executable; create the virtualenv or fix "python" with "devdb init --yes --force --python PATH".`);
  }
  return resolved;
}

/**
 * The project's Python and the folder Alembic runs in (the development INI's), where devdb's
 * helper runs: src/context.ts for the run, and the CLI to start the helper early.
 */
export function pythonAndAlembicDir(config: { python: string; devIni: string }, root: string): { python: string; alembicDir: string } {
  return { python: checkPython(config.python, root), alembicDir: path.dirname(path.resolve(root, config.devIni)) };
}

/** A tool's path: next to the Python (a virtualenv's bin), else on PATH; undefined when neither has it. */
export function findTool(python: string, tool: string): string | undefined {
  const beside = path.join(path.dirname(python), tool);
  if (isExecutable(beside)) return beside;
  if (tool.includes('/')) return isExecutable(tool) ? path.resolve(tool) : undefined;
  return onPath(tool);
}

/** Like findTool, but a missing tool is an error that says how to get it. */
export function requireTool(python: string, tool: string, preset: string): string {
  const found = findTool(python, tool);
  if (!found) {
    throw usageError(`The ${preset} preset needs ${tool}, which is not in ${path.dirname(python)} nor on PATH; install it into that Python environment or choose another preset.`);
  }
  return found;
}
