import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(REPO, 'dist', 'cli.js');

/** A fresh folder whose path has a space, a quote and non-ASCII letters, as users' paths do. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `devdb ${label} 'ü-`));
}

export interface DevdbRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, without a TTY. */
export async function devdb(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<DevdbRun> {
  const result = await execa('node', [CLI, ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    stdin: 'ignore',
  } satisfies Options);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** sha256 of a file's bytes, to prove a database was not touched. */
export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export interface AlembicProject {
  root: string;
  python: string;
  devIni: string;
  devDb: string;
}

/** A real small Alembic project (scripts/alembic-project.mjs) in a fresh folder. */
export async function alembicProject(): Promise<AlembicProject> {
  const dir = path.join(tempDir('alembic'), 'project');
  await execa('node', [path.join(REPO, 'scripts', 'alembic-project.mjs'), dir]);
  return JSON.parse(fs.readFileSync(path.join(dir, 'project.json'), 'utf8')) as AlembicProject;
}
