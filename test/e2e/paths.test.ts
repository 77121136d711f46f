import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, kallitheaTestbed, sha256, tempDir, type Testbed } from '../support/devdb.js';

// Where the throwaway database and INI may be: inside the project, never the
// development database or INI, whatever `..`, symlinks or symlinked folders say.
// Outside the project only with an explicit "allowOutsideRoot": true.

let tb: Testbed & { env: Record<string, string> };
let outside: string;
let config: Record<string, unknown>;

/** Runs devdb reset with devdb.json's values replaced by `change` (in a second config beside it). */
async function resetWith(change: Record<string, unknown>) {
  const file = path.join(tb.root, 'paths.json');
  fs.writeFileSync(file, JSON.stringify({ ...config, ...change }));
  try {
    return await devdb(['reset', '--config', 'paths.json'], { cwd: tb.root, env: tb.env });
  } finally {
    fs.rmSync(file);
  }
}

/** What must not change: the development database and INI, and a database outside the project. */
const guarded = () => ({ devDb: sha256(tb.devDb), devIni: sha256(tb.devIni), outside: sha256(path.join(outside, 'other.db')) });

beforeAll(async () => {
  tb = await kallitheaTestbed();
  config = JSON.parse(fs.readFileSync(path.join(tb.root, 'devdb.json'), 'utf8'));
  outside = tempDir('outside');
  fs.copyFileSync(tb.devDb, path.join(outside, 'other.db'));
  fs.mkdirSync(path.join(tb.root, 'sub'));
  fs.symlinkSync(tb.devDb, path.join(tb.root, 'link.db'));
  fs.symlinkSync(path.join(outside, 'other.db'), path.join(tb.root, 'out-link.db'));
  fs.symlinkSync(outside, path.join(tb.root, 'out-dir'));
  fs.symlinkSync(tb.devIni, path.join(tb.root, 'link.ini'));
  expect((await devdb(['reset'], { cwd: tb.root, env: tb.env })).exitCode).toBe(0);
});

const OUTSIDE = /devdb: "throwaway(Db|Ini)" in .*paths\.json is .*, outside the project .*, and devdb creates and deletes it; put it inside the project .*, or set "allowOutsideRoot": true in devdb\.json if you mean it\./;
const DEVELOPMENT = /devdb: The throwaway database .* is the development database of development\.ini; set "throwawayDb" in devdb\.json to another database/;

describe('refused throwaway places', () => {
  it.each([
    ['an absolute path outside the project', () => path.join(outside, 'other.db'), OUTSIDE],
    ['a sqlite:/// URL (outside the project, too)', () => `sqlite:///${path.join(outside, 'other.db')}`, /"throwawayDb" is ".*", which is not allowed; it must be a SQLite file path; for PostgreSQL or MariaDB set "engine" and "servers" instead\./],
    ['"../temp.db"', () => '../temp.db', OUTSIDE],
    ['"sub/../../temp.db"', () => 'sub/../../temp.db', OUTSIDE],
    ['a symlink in the project to a database outside it', () => 'out-link.db', OUTSIDE],
    ['a file in a symlinked folder that is outside the project', () => 'out-dir/other.db', OUTSIDE],
    ['"sub/../kallithea.db", the development database by ".."', () => 'sub/../kallithea.db', DEVELOPMENT],
    ['a symlink to the development database', () => 'link.db', DEVELOPMENT],
  ])('throwawayDb: %s', async (_, value, message) => {
    const before = guarded();
    const result = await resetWith({ throwawayDb: value() });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(message);
    expect(guarded()).toEqual(before);
    expect(fs.readlinkSync(path.join(tb.root, 'link.db'))).toBe(tb.devDb);
  });

  it.each([
    ['"../temp.ini"', '../temp.ini', OUTSIDE],
    ['a symlink to the development INI', 'link.ini', /devdb: "throwawayIni" in .* leads to the development INI .*development\.ini \(through a symlink or "\.\."\); give the throwaway its own INI/],
    ['"sub/../development.ini"', 'sub/../development.ini', /devdb: "throwawayIni" and "devIni" .* are the same file|leads to the development INI/],
  ])('throwawayIni: %s', async (_, value, message) => {
    const before = guarded();
    const result = await resetWith({ throwawayIni: value });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(message);
    expect(guarded()).toEqual(before);
    expect(fs.existsSync(path.join(path.dirname(tb.root), 'temp.ini'))).toBe(false);
  });

  it('"allowOutsideRoot": true lets the throwaway database live outside; the development database stays refused', async () => {
    const target = path.join(outside, 'scratch.db');
    const allowed = await resetWith({ throwawayDb: target, allowOutsideRoot: true });
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(fs.statSync(target).size).toBeGreaterThan(0);
    const before = guarded();
    const dev = await resetWith({ throwawayDb: 'link.db', allowOutsideRoot: true });
    expect(dev.exitCode).toBe(2);
    expect(dev.stderr.trim()).toMatch(DEVELOPMENT);
    expect(guarded()).toEqual(before);
  });
});
