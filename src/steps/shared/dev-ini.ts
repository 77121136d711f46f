import path from 'node:path';
import fs from 'fs-extra';
import { setIniValue } from '../../config/ini-edit.js';
import { readIni } from '../../config/ini-read.js';
import type { Context } from '../../context.js';
import { hereAs, iniUrlFor, urlSectionsToSet } from './ini.js';

/** Where devdb keeps the INI aimed at a development database devdb.json names ("devDb"). */
export const devDbIni = (ctx: Context): string => path.join(ctx.stateDir, 'dev.ini');

/** The INI devdb runs Alembic with on the development database: the development INI itself, unless devdb.json names another database. */
export const iniForDevDb = (ctx: Context): string => (ctx.config.devDb ? devDbIni(ctx) : ctx.devIni);

/**
 * Writes .devdb/dev.ini when devdb.json names the development database: a copy of the
 * development INI (never edited) aimed at that database, with %(here)s written out.
 * Returns the INI to run Alembic with on the development database.
 */
export async function writeIniForDevDb(ctx: Context): Promise<string> {
  if (!ctx.config.devDb) return ctx.devIni;
  const ini = devDbIni(ctx);
  let text = hereAs((await readIni(ctx.devIni, 'development INI')).text, path.dirname(ctx.devIni), path.dirname(ini));
  for (const section of urlSectionsToSet(ctx, text)) text = setIniValue(text, section, 'sqlalchemy.url', iniUrlFor(ctx.devDb, path.dirname(ini)));
  await fs.ensureDir(path.dirname(ini));
  await fs.writeFile(ini, text);
  return ini;
}
