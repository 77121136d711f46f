import path from 'node:path';
import fs from 'fs-extra';
import type { Context } from '../context.js';
import { databaseOf } from '../context.js';
import { setIniValue } from '../config/ini-edit.js';
import { parseIni, readIni } from '../config/ini-read.js';
import { describeTarget } from '../engines/url.js';
import { iniUrlFor, urlSectionsToSet } from './shared/ini.js';
import { assertNotDevelopment, shown, type Step } from './step.js';
import { replaceFile } from '../config/replace-file.js';

const throwawayUrl = (ctx: Context): string => iniUrlFor(ctx.throwawayDb, path.dirname(ctx.throwawayIni));

/** Documented step 2, the edit: aim the throwaway INI at the throwaway database, changing only that line. */
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
