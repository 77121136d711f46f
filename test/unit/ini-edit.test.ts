import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rawValue, scanIni, setIniValue, type IniLine } from '../../src/config/ini-edit.js';
import { setSqlLogging } from '../../src/steps/sql-log.js';

const kallithea = fs.readFileSync(new URL('../fixtures/kallithea-0.7.0/development.ini', import.meta.url), 'utf8');

/** Lines of `after` that differ from `before`, as [line number, text]. */
function changedLines(before: string, after: string): [number, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return b.flatMap((line, i) => (line === a[i] ? [] : [[i + 1, line] as [number, string]]));
}

describe('editing an INI in place', () => {
  it("changes only the sqlalchemy.url line of Kallithea's development.ini", () => {
    const edited = setIniValue(kallithea, 'app:main', 'sqlalchemy.url', 'sqlite:///%(here)s/temp.db');
    expect(changedLines(kallithea, edited)).toEqual([[361, 'sqlalchemy.url = sqlite:///%(here)s/temp.db']]);
    expect(rawValue(edited, 'app:main', 'sqlalchemy.url')).toBe('sqlite:///%(here)s/temp.db');
  });

  it('leaves the commented-out URLs alone', () => {
    const edited = setIniValue(kallithea, 'app:main', 'sqlalchemy.url', 'x');
    expect(edited).toContain('#sqlalchemy.url = postgresql://kallithea:password@localhost/kallithea');
  });

  it('setting a value to what it is already returns the same bytes', () => {
    const url = rawValue(kallithea, 'app:main', 'sqlalchemy.url') as string;
    expect(setIniValue(kallithea, 'app:main', 'sqlalchemy.url', url)).toBe(kallithea);
  });

  it('adds a missing key after the last setting of its section', () => {
    const edited = setIniValue(kallithea, 'alembic', 'sqlalchemy.url', 'sqlite:///x.db');
    expect(edited.split('\n').slice(371, 375)).toEqual(['[alembic]', 'script_location = kallithea:alembic', 'sqlalchemy.url = sqlite:///x.db', '']);
    expect(edited.replace('sqlalchemy.url = sqlite:///x.db\n', '')).toBe(kallithea);
  });

  it('adds a missing section at the end', () => {
    const edited = setIniValue('[a]\nx = 1', 'b', 'y', '2');
    expect(edited).toBe('[a]\nx = 1\n\n[b]\ny = 2\n');
  });

  it('keeps CRLF line endings and the spacing around the separator', () => {
    const text = '[app:main]\r\nsqlalchemy.url=sqlite:///a.db\r\n# note\r\nother : 1\r\n';
    expect(setIniValue(text, 'app:main', 'sqlalchemy.url', 'sqlite:///b.db')).toBe(text.replace('a.db', 'b.db'));
    expect(setIniValue(text, 'app:main', 'other', '2')).toBe(text.replace('other : 1', 'other : 2'));
    expect(setIniValue(text, 'app:main', 'new', 'v')).toBe('[app:main]\r\nsqlalchemy.url=sqlite:///a.db\r\n# note\r\nother : 1\r\nnew = v\r\n');
  });

  it('replaces a multi-line value whole', () => {
    const text = '[s]\nkeys = a,\n    b,\n    c\nnext = 1\n';
    expect(setIniValue(text, 's', 'keys', 'z')).toBe('[s]\nkeys = z\nnext = 1\n');
  });

  it('matches keys case-insensitively and sections exactly, like ConfigParser', () => {
    const text = '[S]\nKey = 1\n[s]\nkey = 2\n';
    expect(setIniValue(text, 's', 'KEY', '3')).toBe('[S]\nKey = 1\n[s]\nkey = 3\n');
  });

  it('keeps an inline ; or # as part of the value, as ConfigParser does', () => {
    expect(rawValue('[a]\nurl = postgresql://u:p;w#x@h/db\n', 'a', 'url')).toBe('postgresql://u:p;w#x@h/db');
  });

  it('shares one read-only scan of the same text between callers, and edits never leak into it', () => {
    const before = rawValue(kallithea, 'app:main', 'sqlalchemy.url');
    const edited = setIniValue(kallithea, 'app:main', 'sqlalchemy.url', 'sqlite:///other.db');
    expect(scanIni(kallithea)).toBe(scanIni(kallithea));
    expect(() => (scanIni(kallithea).lines as IniLine[]).push(scanIni(edited).lines[0]!)).toThrow(TypeError);
    expect(() => Object.assign(scanIni(kallithea).lines[0]!, { text: 'x' })).toThrow(TypeError);
    expect(rawValue(kallithea, 'app:main', 'sqlalchemy.url')).toBe(before);
    expect(rawValue(edited, 'app:main', 'sqlalchemy.url')).toBe('sqlite:///other.db');
    for (let i = 0; i < 20; i += 1) expect(rawValue(`[a]\nk = ${i}\n`, 'a', 'k')).toBe(String(i));
    expect(rawValue(kallithea, 'app:main', 'sqlalchemy.url')).toBe(before);
  });

  it('reports what ConfigParser would reject', () => {
    expect(scanIni(kallithea).problems).toEqual([]);
    expect(scanIni('x = 1\n[a]\n').problems[0]).toMatchObject({ line: 1, reason: 'a setting before any [section] header' });
    expect(scanIni('[a]\njust words\n').problems[0]).toMatchObject({ line: 2 });
    expect(scanIni('[a]\n[a]\n').problems[0]?.reason).toBe('section [a] appears twice');
  });
});

describe('SQL logging', () => {
  it("turns on 0.7's [logger_sqlalchemy] layout and back off, touching only its lines", () => {
    const on = setSqlLogging(kallithea, true);
    expect(changedLines(kallithea, on)).toEqual([
      [436, 'level = INFO'],
      [437, 'handlers = console_color_sql'],
    ]);
    expect(setSqlLogging(on, false)).toBe(kallithea);
  });

  it("turns on the seed's [handler_console_sql] layout", () => {
    const seed = '[logger_sqlalchemy]\nlevel = INFO\nhandlers = console_sql\nqualname = sqlalchemy.engine\n\n[handler_console_sql]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = WARN\nformatter = generic\n';
    const on = setSqlLogging(seed, true);
    expect(on).toContain('[handler_console_sql]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = DEBUG\n');
    expect(on).toContain('handlers = console_sql\n');
  });
});
