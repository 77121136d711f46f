import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigRemembered } from '../../src/cache/config.js';
import { loadConfig } from '../../src/config/load.js';

const project = (config: object): string => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-config-'));
  fs.writeFileSync(path.join(root, 'devdb.json'), JSON.stringify(config));
  fs.mkdirSync(path.join(root, 'sub'));
  return root;
};
const memo = (root: string): string => path.join(root, '.devdb', 'cache', 'config.json');
const BASE = { preset: 'kallithea', python: 'venv/bin/python', devIni: 'development.ini', admin: { password: 'memo-secret' } };

describe('the remembered devdb.json', () => {
  it('gives what loadConfig gives, validated once, without keeping the password', async () => {
    const root = project(BASE);
    fs.mkdirSync(path.join(root, '.devdb'));
    const expected = await loadConfig(undefined, path.join(root, 'sub'));
    expect(await loadConfigRemembered(undefined, path.join(root, 'sub'))).toEqual(expected);
    expect(fs.existsSync(memo(root))).toBe(true);
    expect(fs.readFileSync(memo(root), 'utf8')).not.toContain('memo-secret');
    expect(await loadConfigRemembered(undefined, path.join(root, 'sub'))).toEqual(expected);
    // The second run read the memo (the schema did not run again): what it holds is what comes back.
    const held = JSON.parse(fs.readFileSync(memo(root), 'utf8'));
    fs.writeFileSync(memo(root), JSON.stringify({ ...held, config: { ...held.config, throwawayDb: 'from-the-memo.db' } }));
    expect((await loadConfigRemembered(undefined, root)).config.throwawayDb).toBe('from-the-memo.db');
  });

  it('validates again when devdb.json changes, and reports a wrong value as loadConfig does', async () => {
    const root = project(BASE);
    fs.mkdirSync(path.join(root, '.devdb'));
    await loadConfigRemembered(undefined, root);
    fs.writeFileSync(path.join(root, 'devdb.json'), JSON.stringify({ ...BASE, throwawayDb: 'other.db' }));
    expect((await loadConfigRemembered(undefined, root)).config.throwawayDb).toBe('other.db');
    fs.writeFileSync(path.join(root, 'devdb.json'), JSON.stringify({ ...BASE, preset: 'nope' }));
    const expected = await loadConfig(undefined, root).catch((error: Error) => error.message);
    await expect(loadConfigRemembered(undefined, root)).rejects.toThrow(expected as string);
  });

  it('writes nothing in a project without .devdb/', async () => {
    const root = project(BASE);
    await loadConfigRemembered(undefined, root);
    expect(fs.existsSync(path.join(root, '.devdb'))).toBe(false);
  });
});
