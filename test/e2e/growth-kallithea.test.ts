import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, sha256 } from '../support/devdb.js';
import { canMount, fullDisk, unmountAll } from '../support/disk.js';

const LASTNAME = '    lastname = Column(Unicode(255), nullable=False)';
const columns = ['nick', 'title', 'motto'].map((name) => `    ${name} = Column(Unicode(255), nullable=True)`);

afterAll(() => unmountAll());

describe('.devdb does not grow without bound, and a full disk is an environment error', () => {
  it('keeps the newest N snapshots (and the draft\'s), removes .devdb/work after every run, and says where a hand-edited draft went', async () => {
    const tb = await kallitheaTestbed();
    const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
    const configFile = path.join(tb.root, 'devdb.json');
    fs.writeFileSync(configFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(configFile, 'utf8')), snapshots: { keep: 2 } }));
    const work = path.join(tb.root, '.devdb', 'work');
    const state = () => JSON.parse(fs.readFileSync(path.join(tb.root, '.devdb', 'state.json'), 'utf8'));

    editModels(tb.root, LASTNAME, columns[0]!);
    const first = await run('cycle', '-m', 'user: a');
    expect(first.exitCode, first.stderr).toBe(0);
    expect(fs.existsSync(work)).toBe(false);

    const draft = state().draft.file;
    fs.appendFileSync(draft, '\n# reviewed by hand\n');
    editModels(tb.root, columns[0]!, columns[1]!);
    const second = await run('cycle', '-m', 'user: a');
    expect(second.exitCode, second.stderr).toBe(0);
    const kept = /the draft had been edited by hand; it is kept as (\.devdb\/backups\/\S+)/.exec(second.stdout)?.[1];
    expect(kept, second.stdout).toBeDefined();
    expect(fs.readFileSync(path.join(tb.root, kept!), 'utf8')).toContain('# reviewed by hand');

    for (const [after, line] of [[columns[1]!, columns[2]!], [columns[2]!, columns[2]!.replace('motto', 'motto2')]] as const) {
      editModels(tb.root, after, line);
      const again = await run('cycle', '-m', 'user: a');
      expect(again.exitCode, again.stderr).toBe(0);
    }
    const copies = fs.readdirSync(path.join(tb.root, '.devdb', 'snapshots')).filter((f) => f.endsWith('.db'));
    expect(copies.length).toBeLessThanOrEqual(2);
    expect(copies).toContain(`${state().draft.snapshot}.db`);
    const list = JSON.parse((await run('snapshot', 'list', '--json')).stdout);
    expect(list.totalBytes).toBe(list.snapshots.reduce((sum: number, s: { bytes: number }) => sum + s.bytes, 0));
    expect((await run('snapshot', 'list')).stdout).toMatch(/2 snapshots, \d+ KiB in total; devdb keeps the newest 2/);

    // A run that fails after the base was copied leaves no work folder either.
    const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
    fs.appendFileSync(dbPy, '\nthis is not python\n');
    const failed = await run('cycle', '-m', 'user: a');
    expect(failed.exitCode).toBe(1);
    expect(fs.existsSync(work)).toBe(false);
  });

  it.skipIf(!canMount)('a full disk under .devdb/snapshots: exit 2, the development database intact, the partial snapshot removed, and what to do', async () => {
    const tb = await kallitheaTestbed();
    const before = sha256(tb.devDb);
    const snapshots = path.join(tb.root, '.devdb', 'snapshots');
    fullDisk(snapshots, '256k');
    editModels(tb.root, LASTNAME, columns[0]!);
    const result = await devdb(['cycle', '-m', 'user: a'], { cwd: tb.root, env: tb.env });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /no space left to snapshot the development database into .*snapshots \(database or disk is full\); the development database is intact and the partial snapshot was removed: free space on that disk, or keep \.devdb on a disk with room/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(sha256(tb.devDb)).toBe(before);
    expect(fs.readdirSync(snapshots)).toEqual(['filler']);
  });
});
