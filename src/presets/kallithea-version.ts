import path from 'node:path';
import fs from 'fs-extra';
import type { PresetName } from '../config/schema.js';
import { usageError } from '../errors.js';

/** Kallithea's version as its source tree states it (kallithea/__init__.py: VERSION = (0, 7, 0)); undefined if not a source tree. */
export function kallitheaVersion(root: string): number[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, 'kallithea', '__init__.py'), 'utf8');
  } catch {
    return undefined;
  }
  const match = /^VERSION = \((\d+), *(\d+)(?:, *(\d+))?/m.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/**
 * Kallithea 0.6 replaced gearbox with kallithea-cli: the `kallithea` preset needs 0.6 or
 * newer, `kallithea-gearbox` an older one. A mismatch is refused before anything runs.
 */
export function checkKallitheaVersion(preset: PresetName, root: string): void {
  if (preset === 'alembic') return;
  const version = kallitheaVersion(root);
  if (!version) return;
  const shown = version.join('.');
  const modern = version[0]! > 0 || version[1]! >= 6;
  if (preset === 'kallithea' && !modern) {
    throw usageError(`Kallithea ${shown} (kallithea/__init__.py) is older than 0.6 and has no kallithea-cli, which the "kallithea" preset runs; use "devdb init --yes --force --preset kallithea-gearbox".`);
  }
  if (preset === 'kallithea-gearbox' && modern) {
    throw usageError(`Kallithea ${shown} (kallithea/__init__.py) has no gearbox commands since 0.6, which the "kallithea-gearbox" preset runs; use "devdb init --yes --force --preset kallithea".`);
  }
}
