import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBaseRef } from '../../src/vcs/base-ref.js';

const git = (cwd: string, ...args: string[]) => execa('git', ['-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', ...args], { cwd });

afterEach(() => {
  delete process.env.GITHUB_BASE_REF;
});

describe('the base ref of devdb ci', () => {
  it('is --base-ref, else the target the CI system names, else a default branch; none found names --base-ref', async () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-base-ref-'));
    await git(top, 'init', '-q', '-b', 'feature');
    fs.writeFileSync(path.join(top, 'a'), 'a');
    await git(top, 'add', 'a');
    await git(top, 'commit', '-q', '-m', 'a');
    const vcs = { kind: 'git' as const, top };
    await expect(resolveBaseRef(vcs, undefined)).rejects.toThrow('devdb ci found neither origin/HEAD nor a main or master branch to compare with; give the target branch with --base-ref.');
    await expect(resolveBaseRef(vcs, 'nope')).rejects.toThrow('--base-ref nope names no commit');
    const { stdout: head } = await git(top, 'rev-parse', 'HEAD');
    await git(top, 'update-ref', 'refs/remotes/origin/release', head);
    await git(top, 'update-ref', 'refs/remotes/origin/main', head);
    expect(await resolveBaseRef(vcs, undefined)).toEqual({ name: 'origin/main', tip: head, mergeBase: head });
    process.env.GITHUB_BASE_REF = 'release';
    expect((await resolveBaseRef(vcs, undefined)).name).toBe('origin/release');
    expect((await resolveBaseRef(vcs, 'feature')).name).toBe('feature');
  });
});
