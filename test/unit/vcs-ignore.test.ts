import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addIgnores, ignorePattern } from '../../src/vcs/ignore.js';

const checkout = (kind: 'git' | 'hg', text?: string) => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-ignore-'));
  if (text !== undefined) fs.writeFileSync(path.join(top, kind === 'git' ? '.gitignore' : '.hgignore'), text);
  return { kind, top };
};

describe('adding the throwaway files to the ignore file', () => {
  it('appends only the missing lines to .gitignore, after a missing final newline', async () => {
    const vcs = checkout('git', '*.db\ntemp.ini');
    const result = await addIgnores(vcs, ['temp.ini', 'temp.db', '.devdb/']);
    expect(result.added).toEqual(['temp.db', '.devdb/']);
    expect(fs.readFileSync(result.file, 'utf8')).toBe('*.db\ntemp.ini\ntemp.db\n.devdb/\n');
    expect((await addIgnores(vcs, ['temp.db'])).added).toEqual([]);
  });

  it('puts Mercurial patterns under "syntax: glob" unless glob is already in force', async () => {
    const regexp = checkout('hg', '\\.pyc$\n');
    await addIgnores(regexp, ['temp.ini']);
    expect(fs.readFileSync(path.join(regexp.top, '.hgignore'), 'utf8')).toBe('\\.pyc$\nsyntax: glob\ntemp.ini\n');
    const glob = checkout('hg', 'syntax: glob\n*.pyc\n');
    await addIgnores(glob, ['temp.ini']);
    expect(fs.readFileSync(path.join(glob.top, '.hgignore'), 'utf8')).toBe('syntax: glob\n*.pyc\ntemp.ini\n');
  });

  it('writes paths relative to the checkout top and skips files outside it', () => {
    const vcs = checkout('git');
    expect(ignorePattern(vcs, path.join(vcs.top, 'sub', 'temp.ini'))).toBe('sub/temp.ini');
    expect(ignorePattern(vcs, path.join(vcs.top, '.devdb'), true)).toBe('.devdb/');
    expect(ignorePattern(vcs, path.join(os.tmpdir(), 'elsewhere.db'))).toBeUndefined();
  });
});
