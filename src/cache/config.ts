import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { DevdbConfig } from '../config/schema.js';

// devdb.json as a run validated it, remembered by the bytes of devdb.json, of
// devdb.local.json and of the schema that validated it: a run whose config did not change skips validation, and
// so does not load zod, the largest module devdb has (about 55 ms of a 250 ms run).

/** The schema module: compiled next to this one, or the TypeScript source when run from src/. */
const SCHEMA = ['../config/schema.js', '../config/schema.ts'].map((file) => new URL(file, import.meta.url));
const memoFile = (root: string): string => path.join(root, '.devdb', 'cache', 'config.json');

interface Memo {
  key: string;
  /** The validated config without admin.password, which stays only in devdb.json. */
  config: DevdbConfig;
}

/** The nearest devdb.json in `start` or above it (as config/load.ts finds it). */
function findConfigFile(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'devdb.json'))) return path.join(dir, 'devdb.json');
    if (path.dirname(dir) === dir) return undefined;
  }
}

const keyOf = async (bytes: Buffer, local: Buffer | undefined): Promise<string | undefined> => {
  const [schema] = (await Promise.all(SCHEMA.map((url) => readFile(url).catch(() => undefined)))).filter((b) => b !== undefined);
  return schema && createHash('sha256').update(schema).update('\0').update(bytes).update('\0').update(local ?? '').digest('hex');
};

/** admin.password as a config file's bytes hold it (the memo never does). */
const passwordIn = (bytes: Buffer | undefined): string | undefined => {
  try {
    return bytes && (JSON.parse(bytes.toString('utf8')) as { admin?: { password?: string } }).admin?.password;
  } catch {
    return undefined;
  }
};

/** Like loadConfig (config/load.ts), which runs, and is remembered, whenever devdb.json or the schema changed. */
export async function loadConfigRemembered(explicit: string | undefined, cwd: string): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : findConfigFile(cwd);
  const bytes = file ? await readFile(file).catch(() => undefined) : undefined;
  // devdb.local.json (config/local.ts) is read here by its name, so that a run whose config did not change loads no config module.
  const local = file ? await readFile(path.join(path.dirname(file), 'devdb.local.json')).catch(() => undefined) : undefined;
  const key = bytes && (await keyOf(bytes, local));
  if (file && bytes && key) {
    const root = path.dirname(file);
    const memo = JSON.parse(await readFile(memoFile(root), 'utf8').catch(() => '{}')) as Partial<Memo>;
    if (memo.key === key && memo.config) {
      const password = passwordIn(local) ?? passwordIn(bytes);
      return { file, root, config: password === undefined ? memo.config : { ...memo.config, admin: { ...memo.config.admin, password } } };
    }
  }
  const { loadConfig } = await import('../config/load.js');
  const loaded = await loadConfig(explicit, cwd);
  if (key && loaded.file === file) await remember(loaded, key);
  return loaded;
}

async function remember({ root, config }: LoadedConfig, key: string): Promise<void> {
  const { password: _password, ...admin } = config.admin;
  const memo: Memo = { key, config: { ...config, admin } };
  // Only where devdb keeps state already: a first devdb check in a clone creates nothing.
  if (!existsSync(path.join(root, '.devdb'))) return;
  try {
    await mkdir(path.dirname(memoFile(root)), { recursive: true });
    await writeFile(`${memoFile(root)}.${process.pid}`, JSON.stringify(memo));
    await rename(`${memoFile(root)}.${process.pid}`, memoFile(root));
  } catch {
    // A read-only project validates every time.
  }
}
