import path from 'node:path';
import fs from 'fs-extra';
import { findTool } from '../python/locate.js';
import type { PresetName } from './schema.js';

/** The development INI a project most likely uses. */
export function detectDevIni(root: string): string | undefined {
  return ['development.ini', 'alembic.ini'].find((name) => fs.existsSync(path.join(root, name)));
}

/** The preset that fits the project and the tools its Python has. */
export function detectPreset(root: string, python: string | undefined): PresetName {
  const has = (tool: string): boolean => python !== undefined && findTool(python, tool) !== undefined;
  const isKallithea = fs.existsSync(path.join(root, 'kallithea', 'model', 'db.py'));
  if (has('kallithea-cli')) return 'kallithea';
  if (isKallithea && has('gearbox')) return 'kallithea-gearbox';
  if (isKallithea) return 'kallithea';
  return 'alembic';
}
