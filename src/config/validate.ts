import type { z } from 'zod';
import { usageError } from '../errors.js';
import { LOCAL_CONFIG_FILE } from './files.js';
import { mergeLocal } from './local.js';
import { configSchema, type DevdbConfig } from './schema.js';

/** The bytes of devdb.json and of devdb.local.json beside it, as config/load.ts read them. */
export interface ConfigBytes {
  file: string;
  bytes: Buffer;
  local?: { file: string; bytes: Buffer };
}

/** Parses devdb.json, fills in what devdb.local.json supplies, and validates the result; every problem names the file, the key, the value and what is allowed. */
export function validateConfigFiles({ file, bytes, local }: ConfigBytes): DevdbConfig {
  const shared = parseConfigJson(file, bytes);
  if (!local) return validateConfig(shared, file);
  const perUser = parseConfigJson(local.file, local.bytes);
  if (typeof perUser !== 'object' || perUser === null || Array.isArray(perUser)) {
    throw usageError(`The per-user config ${local.file} is not a JSON object; fix it, or delete it and run "devdb init --yes --force".`);
  }
  const merged = typeof shared === 'object' && shared !== null ? mergeLocal(shared as Record<string, unknown>, perUser as Record<string, unknown>) : shared;
  return validateConfig(merged, `${file} (with ${LOCAL_CONFIG_FILE})`);
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
