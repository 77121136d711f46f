import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DevdbConfig } from './schema.js';

// devdb.json as a run validated it, remembered by the bytes of devdb.json, of
// devdb.local.json and of the modules that validated it (the schema, the list of
// presets, the engine names): a run whose config did not change skips validation, and so does not load
// zod, the largest module devdb has (about 55 ms of a 250 ms run).

/** The modules that decide what is valid: compiled next to this one, or the TypeScript sources when run from src/. */
const VALIDATED_BY = ['./schema', '../presets/index', '../schema/model'].map((module) => ['.js', '.ts'].map((ext) => new URL(`${module}${ext}`, import.meta.url)));
const memoFile = (root: string): string => path.join(root, '.devdb', 'cache', 'config.json');

interface Memo {
  key: string;
  /** The validated config without admin.password, which stays only in the config files. */
  config: DevdbConfig;
}

/** The key a config is remembered by; undefined when the validating modules cannot be read (nothing is remembered then). */
export async function memoKey(bytes: Buffer, local: Buffer | undefined): Promise<string | undefined> {
  const hash = createHash('sha256');
  for (const alternatives of VALIDATED_BY) {
    const [source] = (await Promise.all(alternatives.map((url) => readFile(url).catch(() => undefined)))).filter((b) => b !== undefined);
    if (!source) return undefined;
    hash.update(source).update('\0');
  }
  return hash.update(bytes).update('\0').update(local ?? '').digest('hex');
}

/** admin.password as a config file's bytes hold it (the memo never does). */
const passwordIn = (bytes: Buffer | undefined): string | undefined => {
  try {
    return bytes && (JSON.parse(bytes.toString('utf8')) as { admin?: { password?: string } }).admin?.password;
  } catch {
    return undefined;
  }
};

/** The config remembered under `key`, with the password put back from the files; undefined when none is. */
export async function recall(root: string, key: string, bytes: Buffer, local: Buffer | undefined): Promise<DevdbConfig | undefined> {
  const memo = JSON.parse(await readFile(memoFile(root), 'utf8').catch(() => '{}')) as Partial<Memo>;
  if (memo.key !== key || !memo.config) return undefined;
  const password = passwordIn(local) ?? passwordIn(bytes);
  return password === undefined ? memo.config : { ...memo.config, admin: { ...memo.config.admin, password } };
}

/** Remembers a validated config under `key`, without its password. */
export async function remember(root: string, config: DevdbConfig, key: string): Promise<void> {
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
