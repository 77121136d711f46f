import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { validateConfig } from '../../src/config/validate.js';

const project = (config: object): string => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-config-'));
  fs.writeFileSync(path.join(root, 'devdb.json'), JSON.stringify(config));
  fs.mkdirSync(path.join(root, 'sub'));
  return root;
};
const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};
const memo = (root: string): string => path.join(root, '.devdb', 'cache', 'config.json');
const BASE = { preset: 'kallithea', python: 'venv/bin/python', devIni: 'development.ini', admin: { password: 'memo-secret' } };

describe('the remembered devdb.json', () => {
  it('gives what validation gives, validated once, without keeping the password', async () => {
    const root = project(BASE);
    fs.mkdirSync(path.join(root, '.devdb'));
    const expected = { file: path.join(root, 'devdb.json'), root: fs.realpathSync(root), config: validateConfig(BASE, 'devdb.json') };
    expect(await loadConfig(undefined, path.join(root, 'sub'))).toEqual(expected);
    expect(fs.existsSync(memo(root))).toBe(true);
    expect(fs.readFileSync(memo(root), 'utf8')).not.toContain('memo-secret');
    expect(await loadConfig(undefined, path.join(root, 'sub'))).toEqual(expected);
    // The second run read the memo (the schema did not run again): what it holds is what comes back.
    const held = JSON.parse(fs.readFileSync(memo(root), 'utf8'));
    fs.writeFileSync(memo(root), JSON.stringify({ ...held, config: { ...held.config, throwawayDb: 'from-the-memo.db' } }));
    expect((await loadConfig(undefined, root)).config.throwawayDb).toBe('from-the-memo.db');
  });

  it('validates again when devdb.json changes, and reports a wrong value as validation does', async () => {
    const root = project(BASE);
    fs.mkdirSync(path.join(root, '.devdb'));
    await loadConfig(undefined, root);
    fs.writeFileSync(path.join(root, 'devdb.json'), JSON.stringify({ ...BASE, throwawayDb: 'other.db' }));
    expect((await loadConfig(undefined, root)).config.throwawayDb).toBe('other.db');
    fs.writeFileSync(path.join(root, 'devdb.json'), JSON.stringify({ ...BASE, preset: 'nope' }));
    const file = path.join(root, 'devdb.json');
    const expected = messageOf(() => validateConfig({ ...BASE, preset: 'nope' }, file));
    expect(expected).toContain('"preset" is "nope"');
    await expect(loadConfig(undefined, root)).rejects.toThrow(expected);
  });

  it('writes nothing in a project without .devdb/', async () => {
    const root = project(BASE);
    await loadConfig(undefined, root);
    expect(fs.existsSync(path.join(root, '.devdb'))).toBe(false);
  });
});
