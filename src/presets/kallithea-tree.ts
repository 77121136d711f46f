import fs from 'node:fs';
import path from 'node:path';
import type { LintWording, Preset } from './preset.js';

// What both Kallithea presets share: the source tree they build databases from.
// The two generations differ in their tools (gearbox before 0.6, kallithea-cli since).

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

/** The source tree's Kallithea generation: 0.6 replaced gearbox with kallithea-cli. Undefined if the tree states no version. */
export function kallitheaGeneration(root: string): { shown: string; modern: boolean } | undefined {
  const version = kallitheaVersion(root);
  return version && { shown: version.join('.'), modern: version[0]! > 0 || version[1]! >= 6 };
}

/** Whether the project is a Kallithea source tree. */
export const isKallitheaTree = (root: string): boolean => fs.existsSync(path.join(root, 'kallithea', 'model', 'db.py'));

const lint: LintWording = {
  keepColumns:
    'Kallithea\'s guide says that for changes that simply add columns "it may be appropriate to not remove them in the downgrade script (and instead do nothing), to avoid the loss of data"',
  batch: ", as Kallithea's own migrations do",
};

/** The fields of a preset that come from Kallithea's source tree rather than from its tools. */
export const kallitheaTree = {
  needsAdmin: true,
  urlSections: ['alembic', 'app:main'],
  models: ['kallithea/model/db.py'],
  modelsFromEnv: false,
  versions: 'kallithea/alembic/versions',
  setupSources: ['kallithea/model/**/*.py', 'kallithea/lib/db_manage.py'],
  lint,
} as const satisfies Partial<Preset>;
