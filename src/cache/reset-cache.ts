import { scryptSync } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { versionsFolder } from '../config/project-files.js';
import type { Context } from '../context.js';
import type { DatabaseTarget } from '../engines/url.js';
import { globFiles, hashFiles, hashOf, walk } from './files.js';
import { modelFiles } from './model-files.js';
import { toolVersions } from './tools.js';

// A cached throwaway database: what setup-db and repo-scan built, kept under
// .devdb/cache/reset/ and named by a hash of everything the build read. A reset
// whose inputs hash the same restores the copy instead of running the tools.

/** How many cached databases to keep (the newest). */
const KEEP = 3;

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The hashes a cache key is made of, by input; a change to any one is a new key. */
export interface CacheInputs {
  models: string;
  migrations: string;
  config: string;
  tools: string;
  repos: string;
}

export interface CacheEntry {
  key: string;
  /** The cached database file. */
  file: string;
  createdAt: string;
  /** What the tools printed when the cached database was built, step by step. */
  output: Record<string, string>;
  /** The hashes its key was made of (an entry an older devdb stored has none). */
  inputs?: CacheInputs;
}

const cacheDir = (ctx: Context): string => path.join(ctx.stateDir, 'cache', 'reset');

/** Only a SQLite throwaway is cached for now; a server database needs its engine's copy. */
export const cacheable = (ctx: Context): boolean => ctx.throwawayDb.engine === 'sqlite' && ctx.throwawayDb.file !== undefined;

/** The repositories folder as repo-scan sees it: every folder down to the repositories, each repository with its last change. */
async function reposListing(repos: string, relative = ''): Promise<string[]> {
  const dir = path.join(repos, relative);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = new Set(entries.map((e) => e.name));
  const isRepository = names.has('.git') || names.has('.hg') || (names.has('HEAD') && names.has('objects'));
  if (isRepository) {
    const marks = await Promise.all(['', '.hg/store/00changelog.i', 'refs', '.git/refs', 'packed-refs', '.git/packed-refs'].map((m) => stat(path.join(dir, m)).catch(() => undefined)));
    return [`repository ${relative} ${marks.map((s) => s?.mtimeMs ?? '-').join(' ')}`];
  }
  const listing: string[] = [];
  // Code-point order: the key is the same under any locale, and no collator is loaded (10 ms).
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    listing.push(entry.isDirectory() ? `folder ${child}` : `file ${child}`);
    if (entry.isDirectory()) listing.push(...(await reposListing(repos, child)));
  }
  return listing;
}

/** Reads and hashes every input of a reset's setup-db and repo-scan; starts Python only to find an Alembic project's model files again after one changed. */
export async function cacheInputs(ctx: Context): Promise<CacheInputs> {
  const { config, root } = ctx;
  const found = await modelFiles(ctx);
  const setupSources = await globFiles(root, ctx.preset.setupSources);
  const versions = await versionsFolder(config, root);
  const [models, migrations, tools, repos, configFiles] = await Promise.all([
    // env.py too: the setup runs it, and it may import a model module no other file does.
    hashFiles(root, [...new Set([...found.models, ...(found.env ? [found.env] : []), ...setupSources])]),
    walk(root, versions).then((files) => hashFiles(root, files)),
    toolVersions(ctx.python).then((facts) => hashOf(...facts)),
    reposListing(ctx.repos).then((listing) => hashOf(ctx.repos, ...listing)),
    hashFiles('/', [ctx.configFile, ctx.throwawayIni, ctx.devIni]),
  ]);
  // The password decides the admin's password hash in the database; stretched, so the key does not give it away.
  const password = ctx.admin ? scryptSync(ctx.admin.password, 'devdb reset cache', 32, { N: 1024 }).toString('hex') : '';
  return {
    models,
    migrations,
    tools,
    repos,
    config: hashOf(`devdb ${version}`, root, ctx.throwawayDb.url, configFiles, password),
  };
}

export const cacheKey = (inputs: CacheInputs): string =>
  hashOf(inputs.models, inputs.migrations, inputs.config, inputs.tools, inputs.repos).slice(0, 32);

/** The cached database for this key, if there is one. */
export async function findEntry(ctx: Context, key: string): Promise<CacheEntry | undefined> {
  const meta = path.join(cacheDir(ctx), `${key}.json`);
  try {
    const entry = JSON.parse(await readFile(meta, 'utf8')) as Omit<CacheEntry, 'file'>;
    const file = path.join(cacheDir(ctx), `${key}.db`);
    await stat(file);
    return { ...entry, key, file };
  } catch {
    return undefined;
  }
}

/**
 * The cached database to read setup-db's schema from: the one for these inputs, else, for a
 * preset whose setup-db schema is create_all on the models, the newest built from the same
 * models, tools and configuration. Only a stamp and rows tell those apart (db-create stamps
 * the head of the migrations; repo-scan adds the repositories), and only the schema is read.
 */
export async function findSchemaEntry(ctx: Context, inputs: CacheInputs): Promise<{ entry: CacheEntry; exact: boolean } | undefined> {
  const exact = await findEntry(ctx, cacheKey(inputs));
  if (exact) return { entry: exact, exact: true };
  if (!ctx.preset.schemaFromModels) return undefined;
  const keys = (await readdir(cacheDir(ctx)).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  const entries = (await Promise.all(keys.map((key) => findEntry(ctx, key)))).filter((entry): entry is CacheEntry => entry !== undefined);
  const same = entries.filter(({ inputs: built }) => built !== undefined && built.models === inputs.models && built.config === inputs.config && built.tools === inputs.tools);
  const newest = same.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))[0];
  return newest ? { entry: newest, exact: false } : undefined;
}

/**
 * The only engine-specific part of the cache: copies a database into one that must
 * not exist yet. Into the cache, SQLite's backup API (the throwaway database may be
 * in use); out of it, a plain exclusive file copy, as nothing ever writes a cached file.
 */
export async function copyThrowaway(from: DatabaseTarget, to: DatabaseTarget, direction: 'store' | 'restore'): Promise<void> {
  if (from.engine !== 'sqlite' || to.engine !== 'sqlite' || !from.file || !to.file) {
    throw new Error(`the reset cache copies SQLite databases only, not ${from.engine} to ${to.engine}`);
  }
  if (direction === 'restore') {
    await copyFile(from.file, to.file, constants.COPYFILE_EXCL);
    return;
  }
  const { copyDatabase } = await import('../engines/sqlite/database.js');
  await copyDatabase(from.file, to.file);
}

const sqliteTarget = (file: string): DatabaseTarget => ({ engine: 'sqlite', url: `sqlite:///${file}`, file });

/** Restores a cached database as the throwaway database (which must not exist). */
export const restoreEntry = (ctx: Context, entry: CacheEntry): Promise<void> => copyThrowaway(sqliteTarget(entry.file), ctx.throwawayDb, 'restore');

/** Keeps the throwaway database just built under `key`, then drops all but the newest few entries. */
export async function storeEntry(ctx: Context, inputs: CacheInputs, output: Record<string, string>): Promise<void> {
  const key = cacheKey(inputs);
  const dir = cacheDir(ctx);
  await mkdir(dir, { recursive: true });
  const partial = path.join(dir, `${key}.${process.pid}.partial`);
  await rm(partial, { force: true });
  try {
    await copyThrowaway(ctx.throwawayDb, sqliteTarget(partial), 'store');
    await rename(partial, path.join(dir, `${key}.db`));
  } finally {
    await rm(partial, { force: true });
  }
  const entry: Omit<CacheEntry, 'file' | 'key'> = { createdAt: new Date().toISOString(), output, inputs };
  await writeFile(path.join(dir, `${key}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  await prune(dir);
}

async function prune(dir: string): Promise<void> {
  const metas = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  const dated = await Promise.all(metas.map(async (f) => ({ key: f.slice(0, -'.json'.length), at: (await stat(path.join(dir, f))).mtimeMs })));
  for (const old of dated.sort((a, b) => b.at - a.at).slice(KEEP)) {
    await rm(path.join(dir, `${old.key}.json`), { force: true });
    await rm(path.join(dir, `${old.key}.db`), { force: true });
  }
}
