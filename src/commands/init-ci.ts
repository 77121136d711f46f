import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'fs-extra';
import { usageError } from '../errors.js';
import type { Outcome } from '../report/output.js';
import { detectVcs } from '../vcs/index.js';

export type CiSystem = 'github' | 'gitlab';

/** The recipe each CI system reads, and where in the repository it reads it from. */
const RECIPES: Record<CiSystem, { template: string; target: string }> = {
  github: { template: 'github-actions.yml', target: '.github/workflows/devdb.yml' },
  gitlab: { template: 'gitlab-ci.yml', target: '.gitlab-ci.yml' },
};

// src/ and dist/ sit at the same depth under the package root, so this holds for both.
const TEMPLATES = fileURLToPath(new URL('../../templates/ci/', import.meta.url));

/** `devdb init --ci SYSTEM`: writes the CI recipe into the repository's top folder, never over a file that is there. */
export async function initCi(system: CiSystem): Promise<Outcome> {
  const top = detectVcs(process.cwd())?.top ?? process.cwd();
  const { template, target } = RECIPES[system];
  const file = path.join(top, target);
  if (await fs.pathExists(file)) throw usageError(`${file} exists already; devdb does not overwrite it, so merge the job from ${path.join(TEMPLATES, template)} into it by hand.`);
  await fs.ensureDir(path.dirname(file));
  await fs.copyFile(path.join(TEMPLATES, template), file);
  return {
    exitCode: 0,
    report: { ok: true, command: 'init', ci: system, file: target },
    summary: [`devdb init: wrote ${target}; check its install step fits the project, then commit it.`],
  };
}
