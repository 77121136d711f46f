import path from 'node:path';
import fs from 'fs-extra';
import type { Context } from '../context.js';
import { hereAs } from './shared/ini.js';
import { shown, planCommand, runTool, type Step } from './step.js';

export interface MakeConfigOptions {
  /** Recreate the throwaway INI even if it exists (the old one is kept in .devdb/backups). */
  fresh: boolean;
}

/** Documented step 2: `make-config temp.ini` with the preset's command, or a copy of the development INI. */
export function makeConfig({ fresh }: MakeConfigOptions): Step {
  const exists = (ctx: Context): boolean => fs.existsSync(ctx.throwawayIni);
  return {
    id: 'make-config',
    title: (ctx) => `make-config: create ${shown(ctx, ctx.throwawayIni)}`,
    skip: (ctx) => (exists(ctx) && !fresh ? `${shown(ctx, ctx.throwawayIni)} exists` : false),
    plan: (ctx) => {
      if (exists(ctx) && !fresh) return [`keep ${shown(ctx, ctx.throwawayIni)} (exists)`];
      const command = ctx.preset.makeConfig(shown(ctx, ctx.throwawayIni));
      const backup = exists(ctx) ? [`move ${shown(ctx, ctx.throwawayIni)} to ${shown(ctx, backupDir(ctx))}/`] : [];
      const copy = `copy ${shown(ctx, ctx.devIni)} to ${shown(ctx, ctx.throwawayIni)}${path.dirname(ctx.devIni) === path.dirname(ctx.throwawayIni) ? '' : ', %(here)s written out as its folder'}`;
      return [...backup, command ? planCommand(command) : copy];
    },
    run: async (ctx, io) => {
      if (exists(ctx)) await backUp(ctx);
      await fs.ensureDir(path.dirname(ctx.throwawayIni));
      const command = ctx.preset.makeConfig(shown(ctx, ctx.throwawayIni));
      if (command) await runTool(ctx, command, io, 'make-config');
      else await fs.writeFile(ctx.throwawayIni, hereAs(await fs.readFile(ctx.devIni, 'utf8'), path.dirname(ctx.devIni), path.dirname(ctx.throwawayIni)), { flag: 'wx' });
    },
    cleanUp: (ctx) => {
      // Only the INI the step was making: one that was there before it is the user's (run moves it to backups first).
      const before = inode(ctx.throwawayIni);
      const half = `the half-made ${shown(ctx, ctx.throwawayIni)}`;
      return {
        what: `remove ${half}`,
        remove: async (done) => {
          const now = inode(ctx.throwawayIni);
          if (now === undefined || now === before) return;
          await fs.remove(ctx.throwawayIni);
          done(`removed ${half}`);
        },
      };
    },
  };
}

const inode = (file: string): number | undefined => fs.statSync(file, { throwIfNoEntry: false })?.ino;

const backupDir = (ctx: Context): string => path.join(ctx.stateDir, 'backups');

/** Moves the old throwaway INI aside: it may hold the user's edits. */
async function backUp(ctx: Context): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await fs.move(ctx.throwawayIni, path.join(backupDir(ctx), `${path.basename(ctx.throwawayIni)}.${stamp}`));
}
