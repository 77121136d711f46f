import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

const CONFIG = { preset: 'alembic', python: 'venv/bin/python', devIni: 'alembic.ini', servers: { postgres: 'postgresql://me@db.example:5432/postgres' } };

afterEach(() => {
  delete process.env.DEVDB_POSTGRES_URL;
  delete process.env.DEVDB_MYSQL_URL;
});

describe('server URLs from a CI job', () => {
  it('DEVDB_POSTGRES_URL and DEVDB_MYSQL_URL win over devdb.json, whether it is validated or remembered, and are never remembered', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-ci-config-'));
    fs.writeFileSync(path.join(root, 'devdb.json'), JSON.stringify(CONFIG));
    fs.mkdirSync(path.join(root, '.devdb'));
    expect((await loadConfig(undefined, root)).config.servers).toEqual(CONFIG.servers);
    process.env.DEVDB_POSTGRES_URL = 'postgresql://root@127.0.0.1:5432/postgres';
    process.env.DEVDB_MYSQL_URL = 'mysql://root@127.0.0.1:3306/';
    const expected = { postgres: 'postgresql://root@127.0.0.1:5432/postgres', mysql: 'mysql://root@127.0.0.1:3306/' };
    expect((await loadConfig(undefined, root)).config.servers).toEqual(expected);
    fs.rmSync(path.join(root, '.devdb', 'cache'), { recursive: true, force: true });
    expect((await loadConfig(undefined, root)).config.servers).toEqual(expected);
    expect(fs.readFileSync(path.join(root, '.devdb', 'cache', 'config.json'), 'utf8')).not.toContain('127.0.0.1');
  });
});
