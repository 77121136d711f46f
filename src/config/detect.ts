import path from 'node:path';
import fs from 'fs-extra';
import { PRESETS, type PresetName } from '../presets/index.js';
import type { Fit } from '../presets/preset.js';
import { findTool } from '../python/locate.js';

/** The development INI a project most likely uses. */
export function detectDevIni(root: string): string | undefined {
  return ['development.ini', 'alembic.ini'].find((name) => fs.existsSync(path.join(root, name)));
}

const RANK = { sure: 2, maybe: 1 } as const;

/** The preset that fits the project and the tools its Python has: the first sure fit in the list of presets, else the first maybe. */
export function detectPreset(root: string, python: string | undefined): PresetName {
  const has = (tool: string): boolean => python !== undefined && findTool(python, tool) !== undefined;
  const rank = (fit: Fit): number => (fit ? RANK[fit] : 0);
  const ranked = PRESETS.map((preset) => ({ name: preset.name, rank: rank(preset.detect({ root, has })) }));
  return ranked.reduce((best, next) => (next.rank > best.rank ? next : best)).name;
}
