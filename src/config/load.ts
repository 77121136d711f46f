import path from 'node:path';
import fs from 'fs-extra';
import type { z } from 'zod';
import { usageError } from '../errors.js';
import { mergeLocal, readLocal } from './local.js';
import { CONFIG_FILE, configSchema, LOCAL_CONFIG_FILE, type DevdbConfig } from './schema.js';

/** The config file found for a run, and the project root it names. */
export interface LoadedConfig {
  file: string;
  root: string;
  config: DevdbConfig;
}

/** Finds devdb.json in `start` or the nearest folder above it. */
export function findConfig(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Loads and validates devdb's config; every problem names the file, the key, the value and what is allowed. */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : findConfig(cwd);
  if (!file) {
    throw usageError(`No ${CONFIG_FILE} in ${cwd} or any folder above it; run "devdb init" in the project root first.`);
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw usageError(`The config ${file} cannot be read (${(error as NodeJS.ErrnoException).code}); check the path and its permissions.`);
  }
  const shared = parseConfigJson(file, bytes);
  const local = await readLocal(file);
  if (!local) return { file, root: path.dirname(file), config: validateConfig(shared, file) };
  const override = parseConfigJson(local.file, local.bytes);
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw usageError(`The per-user config ${local.file} is not a JSON object; fix it, or delete it and run "devdb init --yes --force".`);
  }
  const merged = typeof shared === 'object' && shared !== null ? mergeLocal(shared as Record<string, unknown>, override as Record<string, unknown>) : shared;
  return { file, root: path.dirname(file), config: validateConfig(merged, `${file} (with ${LOCAL_CONFIG_FILE} over it)`) };
}

/** A config file's bytes as JSON; text that is not UTF-8 or not JSON is an error naming the file. */
function parseConfigJson(file: string, bytes: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw usageError(`The config ${file} is not UTF-8 text; save it as UTF-8 or recreate it with "devdb init --yes --force".`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw usageError(`The config ${file} is not valid JSON (${(error as Error).message}); fix it or recreate it with "devdb init --yes --force".`);
  }
  return json;
}

/** Validates parsed JSON as devdb's config. */
export function validateConfig(json: unknown, file: string): DevdbConfig {
  const result = configSchema.safeParse(json);
  if (result.success) return result.data;
  throw usageError(describeIssue(result.error.issues[0] as z.core.$ZodIssue, json, file));
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown, file: string): string {
  const key = issue.path.map(String).join('.');
  let value: unknown = json;
  for (const part of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
  if (issue.code === 'unrecognized_keys') {
    const where = key ? ` in "${key}"` : '';
    return `${file}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}; remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling (see "devdb init --help" for the keys).`;
  }
  if (value === undefined) return `${file}: "${key}" is missing; ${allowed(issue)}.`;
  const shown = key === 'admin.password' ? '***' : JSON.stringify(value);
  return `${file}: "${key}" is ${shown}, which is not allowed; ${allowed(issue)}.`;
}

function allowed(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type') return `it must be a ${issue.expected}`;
  return `it ${issue.message.replace(/^Invalid input: /, '')}`;
}
