import { hasSection, setIniValue } from '../config/ini-edit.js';
import { readIni } from '../config/ini-read.js';
import { shown, type Step } from './step.js';
import { replaceFile } from '../config/replace-file.js';

/**
 * SQL logging in an INI, for both layouts Kallithea has used: the seed's
 * [handler_console_sql] (level = DEBUG), and 0.7's [logger_sqlalchemy] with a
 * console_color_sql handler. Returns the edited text.
 */
export function setSqlLogging(text: string, on: boolean): string {
  let out = text;
  if (hasSection(out, 'handler_console_sql')) out = setIniValue(out, 'handler_console_sql', 'level', on ? 'DEBUG' : 'WARN');
  if (hasSection(out, 'logger_sqlalchemy')) {
    out = setIniValue(out, 'logger_sqlalchemy', 'level', on ? 'INFO' : 'WARN');
    const handler = hasSection(out, 'handler_console_color_sql') ? 'console_color_sql' : hasSection(out, 'handler_console_sql') ? 'console_sql' : undefined;
    if (handler) out = setIniValue(out, 'logger_sqlalchemy', 'handlers', on ? handler : '');
  }
  return out;
}

/** The documented "enable SQL logging" edit, as a flag: --sql-log on|off. */
export function sqlLog(on: boolean): Step {
  return {
    id: 'sql-log',
    title: (ctx) => `sql-log: turn SQL logging ${on ? 'on' : 'off'} in ${shown(ctx, ctx.throwawayIni)}`,
    plan: (ctx) => [`set SQL logging ${on ? 'on' : 'off'} in ${shown(ctx, ctx.throwawayIni)} ([logger_sqlalchemy], [handler_console_sql])`],
    run: async (ctx) => {
      const ini = await readIni(ctx.throwawayIni, 'throwaway INI');
      const text = setSqlLogging(ini.text, on);
      if (text !== ini.text) await replaceFile(ctx.throwawayIni, text);
    },
  };
}
