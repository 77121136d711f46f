import path from 'node:path';
import fs from 'fs-extra';
import type { Context } from '../context.js';
import { databaseOf } from '../context.js';
import { hasKey, setIniValue } from '../config/ini-edit.js';
import { parseIni, readIni } from '../config/ini-read.js';
import { describeTarget, sqliteUrlFor, type DatabaseTarget } from '../engines/url.js';
import { assertNotDevelopment, shown, type Step } from './step.js';
import { replaceFile } from '../config/replace-file.js';

/** The URL to write into an INI in `iniDir` for `target`, escaped for ConfigParser's interpolation. */
export const iniUrlFor = (target: DatabaseTarget, iniDir: string): string =>
  target.file ? sqliteUrlFor(target.file, iniDir) : target.url.replace(/%/g, '%%');

const throwawayUrl = (ctx: Context): string => iniUrlFor(ctx.throwawayDb, path.dirname(ctx.throwawayIni));

/** The sections to edit: each of the preset's URL sections that sets the URL, else the last one. */
export function urlSectionsToSet(ctx: Context, text: string): string[] {
  const present = ctx.preset.urlSections.filter((s) => hasKey(text, s, 'sqlalchemy.url'));
  return present.length > 0 ? present : [ctx.preset.urlSections[ctx.preset.urlSections.length - 1] as string];
}

/** Step 2, the edit: aim the throwaway INI at the throwaway database, changing only that line. */
export const pointDb: Step = {
  id: 'point-db',
  title: (ctx) => `point-db: aim ${shown(ctx, ctx.throwawayIni)} at ${describeTarget(ctx.throwawayDb, ctx.root)}`,
  plan: async (ctx) => {
    assertNotDevelopment(ctx, ctx.throwawayDb, 'throwaway database');
    const sections = fs.existsSync(ctx.throwawayIni)
      ? urlSectionsToSet(ctx, (await readIni(ctx.throwawayIni, 'throwaway INI')).text)
      : [ctx.preset.urlSections[ctx.preset.urlSections.length - 1] as string];
    return sections.map((s) => `set [${s}] sqlalchemy.url = ${throwawayUrl(ctx)} in ${shown(ctx, ctx.throwawayIni)}`);
  },
  run: async (ctx) => {
    assertNotDevelopment(ctx, ctx.throwawayDb, 'throwaway database');
    const ini = await readIni(ctx.throwawayIni, 'throwaway INI');
    let text = ini.text;
    for (const section of urlSectionsToSet(ctx, text)) text = setIniValue(text, section, 'sqlalchemy.url', throwawayUrl(ctx));
    const aimed = databaseOf(parseIni(ctx.throwawayIni, text, 'throwaway INI'), ctx.preset, ctx.alembicDir);
    if (aimed) assertNotDevelopment(ctx, aimed, 'throwaway INI\'s database');
    if (text !== ini.text) await replaceFile(ctx.throwawayIni, text);
  },
};
