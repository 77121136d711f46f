import { randomBytes } from 'node:crypto';
import path from 'node:path';
import fs from 'fs-extra';
import { versionsFolder } from '../config/project-files.js';
import type { Context } from '../context.js';
import { DevdbError, EXIT, usageError } from '../errors.js';
import { readMigration } from '../migration/script.js';
import { alembic } from '../presets/command.js';
import { isNotUpToDate, parseGenerated } from '../python/alembic.js';
import { fileSha256, updateState } from '../state.js';
import { planOnBase, type CycleContext } from './shared/round-trip.js';
import { shown, runTool, type Step } from './step.js';

/** The migration scripts in the versions folder, absolute paths. */
async function scripts(ctx: Context): Promise<string[]> {
  try {
    const folder = path.join(ctx.root, await versionsFolder(ctx.config, ctx.root));
    return (await fs.readdir(folder)).filter((f) => f.endsWith('.py')).map((f) => path.join(folder, f));
  } catch {
    return [];
  }
}

/**
 * Documented step 5: `alembic revision --autogenerate` against the base database
 * (never the development one). An empty draft means the models did not change:
 * it is removed and the cycle ends there.
 */
export function autogenerate({ message }: { message: string }): Step<CycleContext> {
  return {
    id: 'autogenerate',
    title: () => `autogenerate: generate "${message}" against the base database`,
    plan: (ctx) => [planOnBase(ctx, 'revision', '--autogenerate', '-m', message)],
    run: async (ctx, io) => {
      // The revision id is chosen and recorded first, so a run killed while Alembic writes the script leaves a draft the next cycle can find.
      const revision = randomBytes(6).toString('hex');
      await updateState(ctx.stateDir, (state) => {
        state.draft = { file: '', revision, applied: false };
      });
      const command = alembic(shown(ctx, ctx.trip.baseIni), 'revision', '--autogenerate', '--rev-id', revision, '-m', message);
      let output: string;
      try {
        output = (await runTool(ctx, command, io, 'autogenerate')).output;
      } catch (error) {
        if (error instanceof DevdbError && isNotUpToDate(error.detail ?? '')) {
          throw usageError('Alembic says "Target database is not up to date": the base database is behind the newest migration; run "devdb cycle" with --upgrade-first, or with --base vcs.');
        }
        throw error;
      }
      const file = parseGenerated(output, ctx.alembicDir);
      if (!file || !(await fs.pathExists(file))) {
        throw new DevdbError('autogenerate ran but devdb could not find the script it wrote; look for it in the versions folder and run "devdb verify".', { exitCode: EXIT.failed, detail: output });
      }
      const script = await readMigration(ctx.python, file, ctx.alembicDir);
      if (script.functions?.upgrade.empty) {
        await fs.remove(file);
        await updateState(ctx.stateDir, (state) => {
          delete state.draft;
        });
        ctx.trip.noChange = true;
        io.output(`no change detected; removed the empty draft ${shown(ctx, file)}`);
        return;
      }
      ctx.trip.migration = { file, script };
      const sha256 = await fileSha256(file);
      await updateState(ctx.stateDir, (state) => {
        state.draft = { file, revision: script.revision ?? '', applied: false, sha256 };
      });
    },
    cleanUp: (ctx) => {
      // Any script that was not there when the step started is the one Alembic was writing.
      const before = scripts(ctx);
      return {
        what: 'remove the unfinished draft',
        remove: async (done) => {
          const known = new Set(await before);
          for (const file of await scripts(ctx)) {
            if (known.has(file)) continue;
            await fs.remove(file);
            done(`removed the unfinished draft ${shown(ctx, file)}`);
          }
        },
      };
    },
  };
}
