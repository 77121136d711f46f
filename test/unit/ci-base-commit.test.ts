import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readRevisionHeader } from '../../src/migration/chain.js';
import { baseCommitFor } from '../../src/vcs/base-commit.js';
import { resolveBaseRef } from '../../src/vcs/base-ref.js';

const git = async (cwd: string, ...args: string[]) => (await execa('git', ['-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', ...args], { cwd })).stdout;
const script = (top: string, revision: string, parent: string | null) => {
  const file = `versions/${revision}.py`;
  fs.writeFileSync(path.join(top, file), `revision = '${revision}'\ndown_revision = ${parent ? `'${parent}'` : 'None'}\n`);
  return readRevisionHeader(file, fs.readFileSync(path.join(top, file), 'utf8'));
};
const commit = async (top: string, message: string) => {
  await git(top, 'add', '-A');
  await git(top, 'commit', '-q', '-m', message);
  return git(top, 'rev-parse', 'HEAD');
};

describe('the commit the round trip of ci and rebase builds its base from', () => {
  it("is one whose migrations end at the newest one's parent without it; two migrations in one commit are refused in one sentence", async () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-base-commit-'));
    fs.mkdirSync(path.join(top, 'versions'));
    await git(top, 'init', '-q', '-b', 'main');
    script(top, 'a', null);
    const main = await commit(top, 'a');
    const vcs = { kind: 'git' as const, top };
    await git(top, 'checkout', '-q', '-b', 'feature');
    const b = script(top, 'b', 'a');
    expect(await baseCommitFor(vcs, await resolveBaseRef(vcs, 'main'), b, 'versions')).toBe(main);
    const withB = await commit(top, 'b');
    const c = script(top, 'c', 'b');
    expect(await baseCommitFor(vcs, await resolveBaseRef(vcs, 'main'), c, 'versions')).toBe('HEAD');
    await commit(top, 'c');
    expect(await baseCommitFor(vcs, await resolveBaseRef(vcs, 'main'), c, 'versions')).toBe(withB);
    await git(top, 'checkout', '-q', '-b', 'together', 'main');
    script(top, 'b', 'a');
    const d = script(top, 'd', 'b');
    await commit(top, 'b and d');
    await expect(baseCommitFor(vcs, await resolveBaseRef(vcs, 'main'), d, 'versions')).rejects.toThrow(
      'No commit has the migrations end at b without versions/d.py, which the base of its round trip is built from (were two migrations committed together?); commit each migration on its own, or give the target branch with --base-ref.',
    );
  });
});
