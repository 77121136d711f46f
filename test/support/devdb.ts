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

/** The line a step's progress starts with, without a TTY: every title begins with its step's id ("❯ make-config: create temp.ini"). */
export const starts = (id: string): string => `❯ ${id}:`;

/** A step's title as the interrupt line quotes it ("upgrade: …"), as a RegExp source: its id, then anything up to the closing quote. */
export const quotedTitle = (id: string): string => `"${id}: [^"]*"`;

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

export type { Testbed } from '../../scripts/testbed/lib.mjs';
import type { Testbed } from '../../scripts/testbed/lib.mjs';

/** A fresh real Kallithea 0.7.0 testbed (scripts/testbed.mjs) with devdb initialised in its source root. */
export async function kallitheaTestbed(): Promise<Testbed & { env: Record<string, string> }> {
  const dir = path.join(tempDir('kallithea'), 'testbed');
  await execa('node', [path.join(REPO, 'scripts', 'testbed.mjs'), dir]);
  const testbed = JSON.parse(fs.readFileSync(path.join(dir, 'testbed.json'), 'utf8')) as Testbed;
  const env = { DEVDB_ADMIN_PASSWORD: testbed.adminPassword };
  const init = await devdb(['init', '--yes', '--repos', testbed.repos], { cwd: testbed.root, env });
  if (init.exitCode !== 0) throw new Error(`devdb init failed: ${init.stderr}`);
  return { ...testbed, env };
}

/** Rows of a query on a SQLite file, read-only. */
export async function query<T>(file: string, sql: string): Promise<T[]> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Adds `line` to a model class in Kallithea's db.py, after the line `after`. */
export function editModels(root: string, after: string, line: string): void {
  const file = path.join(root, 'kallithea', 'model', 'db.py');
  const source = fs.readFileSync(file, 'utf8');
  if (!source.includes(after)) throw new Error(`db.py has no line ${after}`);
  fs.writeFileSync(file, source.replace(after, `${after}\n${line}`));
}

/**
 * A new model in Kallithea's db.py: a table with a foreign key to repositories and an index on it.
 * `base` is the models' declarative base as db.py spells it (0.7: meta.Base; the gearbox era: Base).
 */
export function addRepoNotes(root: string, base = 'meta.Base'): void {
  const model = `class RepoNote(${base}, BaseDbModel):
    __tablename__ = 'repo_notes'
    __table_args__ = (
        Index('rn_repo_id_idx', 'repo_id'),
        _table_args_default_dict,
    )

    note_id = Column(Integer(), primary_key=True)
    repo_id = Column(Integer(), ForeignKey('repositories.repo_id'), nullable=False)
    body = Column(Unicode(255), nullable=False)


class RepoGroup(${base}, BaseDbModel):
`;
  const file = path.join(root, 'kallithea', 'model', 'db.py');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`class RepoGroup(${base}, BaseDbModel):\n`, model));
}

export type LayoutName = 'package-ini' | 'models-package' | 'orm-setup' | 'dev-db' | 'busy-env';

/** A real-shaped Alembic project (scripts/alembic-layouts.mjs) and what its test needs. */
export interface AlembicLayout extends AlembicProject {
  layout: LayoutName;
  /** The init flags the layout needs. */
  flags: string[];
  /** A model file (root-relative) and the line after which a column of notes (or posts) goes. */
  models: string;
  after: string;
}

/** One of the five real-shaped Alembic projects, in a fresh folder. */
export async function alembicLayout(layout: LayoutName): Promise<AlembicLayout> {
  const dir = path.join(tempDir(layout), 'project');
  await execa('node', [path.join(REPO, 'scripts', 'alembic-layouts.mjs'), layout, dir]);
  return JSON.parse(fs.readFileSync(path.join(dir, 'project.json'), 'utf8')) as AlembicLayout;
}

/** Adds `line` after `after` in a root-relative file. */
export function addLine(root: string, file: string, after: string, line: string): void {
  const full = path.join(root, file);
  const source = fs.readFileSync(full, 'utf8');
  if (!source.includes(after)) throw new Error(`${file} has no line ${after}`);
  fs.writeFileSync(full, source.replace(after, `${after}${line}\n`));
}

/** git in the project, as the tests' user. */
export const git = (root: string, ...args: string[]) => execa('git', ['-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', ...args], { cwd: root });

/**
 * What the branch tests do to the small Alembic project: commit everything, add a nullable
 * column to notes, and generate its migration with cycle against the committed code. With
 * `hg`, the project is a Mercurial repository and `env` (withMercurial's) finds hg for the
 * tests and the devdb runs alike.
 */
export function projectEdits(project: () => AlembicProject, vcs: 'git' | 'hg' = 'git', env: () => Record<string, string> = () => ({})) {
  const run = (...args: string[]) => devdb(args, { cwd: project().root, env: env() });
  const models = () => path.join(project().root, 'app', 'models.py');
  return {
    run,
    models,
    commit: async (message: string) => {
      if (vcs === 'hg') {
        await execa('hg', ['commit', '-q', '-A', '-u', 'devdb tests', '-m', message], { cwd: project().root, env: env(), stdin: 'ignore' });
        return;
      }
      await git(project().root, 'add', '-A');
      await git(project().root, 'commit', '-q', '-m', message);
    },
    addColumn: (column: string) =>
      fs.writeFileSync(models(), fs.readFileSync(models(), 'utf8').replace('    body = Column(String(200))\n', `    body = Column(String(200))\n    ${column} = Column(String(80), nullable=True)\n`)),
    migrate: async (message: string) => {
      const cycled = await run('cycle', '--json', '--no-apply', '--base', 'vcs', '-m', message);
      if (cycled.exitCode !== 0) throw new Error(`cycle -m ${message} failed (exit ${cycled.exitCode}):\n${cycled.stdout}\n${cycled.stderr}`);
      return JSON.parse(cycled.stdout) as { migration: string; revision: string };
    },
  };
}
