import type { Context } from '../../context.js';
import { hasKey } from '../../config/ini-edit.js';
import { sqliteUrlFor, type DatabaseTarget } from '../../engines/url.js';

/** The URL to write into an INI in `iniDir` for `target`, escaped for ConfigParser's interpolation. */
export const iniUrlFor = (target: DatabaseTarget, iniDir: string): string =>
  target.file ? sqliteUrlFor(target.file, iniDir) : target.url.replace(/%/g, '%%');

/** The sections to edit: each of the preset's URL sections that sets the URL, else the last one. */
export function urlSectionsToSet(ctx: Context, text: string): string[] {
  const present = ctx.preset.urlSections.filter((s) => hasKey(text, s, 'sqlalchemy.url'));
  return present.length > 0 ? present : [ctx.preset.urlSections[ctx.preset.urlSections.length - 1] as string];
}

/**
 * An INI's text moved from `from` to `to` with every path meaning what it meant: `%(here)s`
 * is the INI's own folder, so a copy elsewhere gets the original folder written out
 * (escaped for ConfigParser); paths relative to where Alembic runs need nothing.
 */
export function hereAs(text: string, from: string, to: string): string {
  return from === to ? text : text.replaceAll('%(here)s', from.replace(/%/g, '%%'));
}
