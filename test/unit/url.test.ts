import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIni, interpolate } from '../../src/config/ini-read.js';
import { describeTarget, parseDatabaseUrl, sameDatabase, sqliteUrlFor } from '../../src/engines/url.js';

describe('database URLs', () => {
  it('resolves relative and absolute SQLite paths, dropping the query', () => {
    expect(parseDatabaseUrl('sqlite:///temp.db?timeout=60', '/p', 'x')).toEqual({ engine: 'sqlite', url: 'sqlite:///temp.db?timeout=60', file: '/p/temp.db' });
    expect(parseDatabaseUrl('sqlite:////abs/k.db', '/p', 'x').file).toBe('/abs/k.db');
    expect(parseDatabaseUrl('sqlite+pysqlite:///a b/ü.db', '/p', 'x').file).toBe('/p/a b/ü.db');
  });

  it('knows the server engines and refuses unknown schemes and in-memory SQLite', () => {
    expect(parseDatabaseUrl('postgresql+psycopg2://u@h/db', '/p', 'x').engine).toBe('postgres');
    expect(parseDatabaseUrl('mysql://u@h/db', '/p', 'x').engine).toBe('mysql');
    expect(() => parseDatabaseUrl('oracle://h/db', '/p', 'devdb.json')).toThrow(/unknown scheme/);
    expect(() => parseDatabaseUrl('sqlite://', '/p', 'x')).toThrow(/in-memory/);
  });

  it('writes %(here)s URLs inside the INI folder and escapes %', () => {
    expect(sqliteUrlFor('/p/temp.db', '/p')).toBe('sqlite:///%(here)s/temp.db');
    expect(sqliteUrlFor('/p/100%/t.db', '/p')).toBe('sqlite:///%(here)s/100%%/t.db');
    expect(sqliteUrlFor('/elsewhere/t.db', '/p')).toBe('sqlite:////elsewhere/t.db');
  });

  it('hides a password in a server URL', () => {
    expect(describeTarget({ engine: 'postgres', url: 'postgresql://kal:s3cret@h/db' }, '/p')).toBe('postgresql://kal:***@h/db');
  });

  it('sees through symlinks and %(here)s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-url-'));
    fs.writeFileSync(path.join(dir, 'dev.db'), '');
    fs.symlinkSync(path.join(dir, 'dev.db'), path.join(dir, 'link.db'));
    const ini = parseIni(path.join(dir, 'x.ini'), '[app:main]\nsqlalchemy.url = sqlite:///%(here)s/link.db\n', 'INI');
    const viaIni = parseDatabaseUrl(interpolate(ini, 'app:main', 'sqlite:///%(here)s/link.db'), '/', 'x');
    expect(sameDatabase(viaIni, parseDatabaseUrl('sqlite:///dev.db', dir, 'x'))).toBe(true);
    expect(sameDatabase(viaIni, parseDatabaseUrl('sqlite:///other.db', dir, 'x'))).toBe(false);
  });

  it('interpolates [DEFAULT] keys and %%', () => {
    const ini = parseIni('/p/x.ini', '[DEFAULT]\nbase = /data\n[app:main]\nurl = sqlite:///%(base)s/k.db?a=100%%\n', 'INI');
    expect(interpolate(ini, 'app:main', 'sqlite:///%(base)s/k.db?a=100%%')).toBe('sqlite:////data/k.db?a=100%');
    expect(() => interpolate(ini, 'app:main', '%(missing)s')).toThrow(/not defined/);
  });
});
