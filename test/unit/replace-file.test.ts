import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFile } from '../../src/config/replace-file.js';

describe('replaceFile: a user file rewritten all at once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb replace ü-'));

  it('replaces the bytes and keeps the permissions, leaving no temporary file', async () => {
    const file = path.join(dir, 'temp.ini');
    fs.writeFileSync(file, 'old\n');
    fs.chmodSync(file, 0o640);
    await replaceFile(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir).filter((name) => name.includes('devdb-tmp'))).toEqual([]);
  });

  it('writes through a symlink, which stays a symlink', async () => {
    const real = path.join(dir, 'real.ini');
    const link = path.join(dir, 'link.ini');
    fs.writeFileSync(real, 'old\n');
    fs.symlinkSync(real, link);
    await replaceFile(link, 'new\n');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('new\n');
  });

  it('creates a file that is not there yet', async () => {
    const file = path.join(dir, 'hgrc');
    await replaceFile(file, '[hooks]\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('[hooks]\n');
  });
});
