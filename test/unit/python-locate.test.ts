import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectPython } from '../../src/python/locate.js';

const dirs: string[] = [];
const folder = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb locate ü-'));
  dirs.push(dir);
  return dir;
};
const python = (venv: string): string => {
  const file = path.join(venv, 'bin', 'python');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
  return file;
};
const active = process.env.VIRTUAL_ENV;
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  if (active === undefined) delete process.env.VIRTUAL_ENV;
  else process.env.VIRTUAL_ENV = active;
});

describe('detectPython', () => {
  it('finds the virtualenv at the top of the git checkout when devdb.json lives two folders down', () => {
    const top = folder();
    fs.mkdirSync(path.join(top, '.git'));
    const root = path.join(top, 'services', 'api');
    fs.mkdirSync(root, { recursive: true });
    delete process.env.VIRTUAL_ENV;
    const venv = python(path.join(top, 'venv'));
    expect(detectPython(root)).toBe(venv);
  });

  it('prefers a virtualenv in the project root, and falls back to $VIRTUAL_ENV', () => {
    const top = folder();
    fs.mkdirSync(path.join(top, '.hg'));
    const root = path.join(top, 'a', 'b');
    fs.mkdirSync(root, { recursive: true });
    const elsewhere = python(path.join(folder(), 'env'));
    process.env.VIRTUAL_ENV = path.dirname(path.dirname(elsewhere));
    expect(detectPython(root)).toBe(elsewhere);
    const own = python(path.join(root, '.venv'));
    python(path.join(top, '.venv'));
    expect(detectPython(root)).toBe(own);
  });
});
