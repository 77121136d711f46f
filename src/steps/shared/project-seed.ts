import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'fs-extra';
import { DevdbError, usageError } from '../../errors.js';
import type { Command } from '../../presets/command.js';
import type { CycleContext } from './round-trip.js';
import { planCommand, runTool, shown, type StepIO } from '../step.js';

// src/steps/shared and dist/steps/shared sit at the same depth under the package root, so this holds for both.
const SEEDER = fileURLToPath(new URL('../../../templates/project_seed.py', import.meta.url));

/** The project's seed from devdb.json: a .sql file relative to the root, or a Python function. */
function seedCommand(ctx: CycleContext): { command: Command; what: string } | undefined {
  const { seed } = ctx.config;
  if (seed === undefined) return undefined;
  if (typeof seed === 'string') {
    const file = path.resolve(ctx.root, seed);
    return { command: { tool: ctx.python, args: [SEEDER, '--sql', file] }, what: shown(ctx, file) };
  }
  return { command: { tool: ctx.python, args: [SEEDER, '--python', seed.python] }, what: seed.python };
}

/** The one line the seeder printed about what went wrong. */
const reasonOf = (error: DevdbError): string => (error.detail ?? '').split('\n').reverse().find((line) => line.startsWith('error: '))?.slice('error: '.length) ?? error.message;

/** The plan line of the project's seed, if devdb.json has one. */
export const planProjectSeed = (ctx: CycleContext): string[] => {
  const seed = seedCommand(ctx);
  return seed ? [planCommand(seed.command)] : [];
};

/** The project's own rows ("seed" in devdb.json), applied to the base before devdb seeds its own; a seed that cannot be applied is a usage error. */
export async function applyProjectSeed(ctx: CycleContext, io: StepIO): Promise<void> {
  const seed = seedCommand(ctx);
  if (!seed) return;
  if (typeof ctx.config.seed === 'string' && !(await fs.pathExists(path.resolve(ctx.root, ctx.config.seed)))) {
    throw usageError(`The seed file ${seed.what} named by "seed" in ${shown(ctx, ctx.configFile)} does not exist; fix the path (relative to the project root) or remove "seed".`);
  }
  try {
    await runTool(ctx, seed.command, io, 'the seed', { cwd: ctx.root, env: { DEVDB_SEED_URL: ctx.trip.baseDb.url } });
  } catch (error) {
    if (!(error instanceof DevdbError)) throw error;
    throw usageError(`The seed ${seed.what} could not be applied to the base (${reasonOf(error)}); fix it, or remove "seed" from ${shown(ctx, ctx.configFile)}.`, error.detail);
  }
  io.output(`applied the seed ${seed.what}`);
}
