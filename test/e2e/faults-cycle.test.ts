import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, query, sha256, type Testbed } from '../support/devdb.js';
import { dbContent, leftovers, stopAt, type StopPoint } from '../support/faults.js';

// devdb cycle and devdb verify stopped by SIGINT and by SIGKILL at every step boundary
// and inside the Python steps. After each stop the development database is
// byte-identical, or the output names the one command that puts it back (and running it
// does); nothing left behind blocks the next run, which succeeds.

let tb: Testbed & { env: Record<string, string> };
let original: string[];
const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: { ...tb.env } });
const versions = () => fs.readdirSync(path.join(tb.root, 'kallithea', 'alembic', 'versions')).filter((f) => f.endsWith('.py'));
const revision = async () => (await query<{ version_num: string }>(tb.devDb, 'select version_num from alembic_version'))[0]?.version_num;
const SNAPSHOT = /snapshot (\d{8}T\d{9}Z-[0-9a-z]+)/;

const CYCLE = ['cycle', '-m', 'repositories: add note'];
const CYCLE_POINTS: StopPoint[] = [
  '❯ Replace the previous uncommitted draft',
  '❯ Check the development database is at the newest migration',
  '❯ make-config',
  '❯ point-db',
  '❯ Copy the development database',
  '❯ drop-db',
  '❯ Rebuild temp.db from the models',
  '❯ Autogenerate',
  '❯ Lint the draft',
  '❯ Put rows into',
  '❯ Upgrade the base to head',
  '❯ Downgrade one step',
  '❯ Upgrade again',
  '❯ Check the upgrades lost no rows',
  '❯ Snapshot kallithea.db and upgrade it to head',
]
  .map((at) => ({ at, delayMs: 0 }))
  .concat([
    { at: '❯ Check the development database is at the newest migration', delayMs: 250 },
    { at: '❯ Rebuild temp.db from the models', delayMs: 600 },
    // Alembic writes the draft some tens of milliseconds into this step.
    { at: '❯ Autogenerate', delayMs: 40 },
    { at: '❯ Autogenerate', delayMs: 70 },
    { at: '❯ Autogenerate', delayMs: 100 },
  ]);

const VERIFY_POINTS: StopPoint[] = [
  '❯ Find the newest migration',
  '❯ point-db',
  '❯ Copy',
  '❯ drop-db',
  '❯ Rebuild temp.db from the models',
  '❯ Lint the draft',
  '❯ Put rows into',
  '❯ Upgrade the base to head',
  '❯ Downgrade one step',
  '❯ Upgrade again',
  '❯ Check the upgrades lost no rows',
]
  .map((at) => ({ at, delayMs: 0 }))
  .concat([
    { at: '❯ Find the newest migration', delayMs: 250 },
    { at: '❯ Rebuild temp.db from the models', delayMs: 600 },
  ]);

/**
 * Stops `args` at `point` and checks the promise: the development database is as it was,
 * or the output names the restore command, which brings it back; and the Ctrl-C line.
 */
async function stopAndCheck(args: string[], point: StopPoint, signal: 'SIGINT' | 'SIGKILL') {
  const before = { sha: sha256(tb.devDb), content: await dbContent(tb.devDb) };
  const stopped = await stopAt(args, point, signal, { cwd: tb.root, env: tb.env });
  expect(stopped.reached, stopped.output).toBe(true);
  const finished = stopped.exitCode === 0; // the signal came after the last step
  if (!finished && signal === 'SIGINT') {
    expect(stopped.exitCode, stopped.output).toBe(130);
    const lines = stopped.stderr.trim().split('\n');
    expect(lines, stopped.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^devdb: Interrupted \(SIGINT\)( during ".+")?: (cleaned up: .*released the lock|nothing to clean up); the development database (is untouched|may have been changed: to put it back as it was before this run, run "devdb snapshot restore \S+")\.$/);
    expect(leftovers(tb.root)).toEqual([]);
  }
  if (!finished && signal === 'SIGKILL') expect(stopped.signal).toBe('SIGKILL');
  if (sha256(tb.devDb) !== before.sha) {
    // Named by the Ctrl-C line, or (SIGKILL, or a run that finished) by the apply step's progress line.
    const named = /run "devdb snapshot restore (\S+)"/.exec(stopped.stderr)?.[1] ?? SNAPSHOT.exec(stopped.stdout)?.[1];
    expect(named, `the development database changed and the output names no snapshot:\n${stopped.output}`).toBeDefined();
    const restored = await run('snapshot', 'restore', named as string);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await dbContent(tb.devDb)).toEqual(before.content);
  }
  return stopped;
}

beforeAll(async () => {
  tb = await kallitheaTestbed();
  original = versions();
  editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    note = Column(Unicode(255), nullable=True)');
});

describe('devdb cycle stopped at every step', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(CYCLE_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      await stopAndCheck(CYCLE, point, signal);
    });
  }

  it('a draft Alembic wrote before devdb recorded its file (the SIGKILL window) is found by its revision and replaced', async () => {
    const drafted = await run(...CYCLE, '--no-apply');
    expect(drafted.exitCode, drafted.stderr).toBe(0);
    const stateFile = path.join(tb.root, '.devdb', 'state.json');
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    fs.writeFileSync(stateFile, JSON.stringify({ ...state, draft: { file: '', revision: state.draft.revision, applied: false } }));
    const again = await run(...CYCLE, '--no-apply');
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(versions().filter((f) => !original.includes(f))).toHaveLength(1);
    expect(fs.readdirSync(path.join(tb.root, '.devdb', 'backups')).some((f) => f.startsWith(state.draft.revision))).toBe(true);
  });

  it('then a cycle succeeds: one migration, applied once', async () => {
    const { exitCode, stdout, stderr } = await run(...CYCLE);
    expect(exitCode, stdout + stderr).toBe(0);
    const added = versions().filter((f) => !original.includes(f));
    expect(added).toHaveLength(1);
    expect(await revision()).toBe(added[0]?.slice(0, 12));
    const columns = await query<{ name: string }>(tb.devDb, "select name from pragma_table_info('repositories')");
    expect(columns.filter((c) => c.name === 'note')).toHaveLength(1);
    expect(leftovers(tb.root).filter((f) => f !== '.devdb/work')).toEqual([]);
  });
});

describe('devdb verify stopped at every step', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(VERIFY_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      const devDb = sha256(tb.devDb);
      await stopAndCheck(['verify'], point, signal);
      expect(sha256(tb.devDb)).toBe(devDb);
    });
  }

  it('then verify succeeds', async () => {
    const { exitCode, stdout, stderr } = await run('verify');
    expect(exitCode, stdout + stderr).toBe(0);
  });
});

describe('stopped in the middle of the upgrade of the development database', () => {
  /** An editor (cycle --edit) that makes the draft's upgrade pause for 3 s after its operations. */
  const slowEditor = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-editor-'));
    const script = path.join(dir, 'slow.py');
    fs.writeFileSync(
      script,
      'import sys\nf = sys.argv[1]\ns = open(f).read()\nopen(f, "w").write(s.replace("\\n\\ndef downgrade", "\\n    import time\\n    time.sleep(3)\\n\\n\\ndef downgrade", 1))\n',
    );
    return `python3 ${script}`;
  };

  it('Ctrl-C names the restore command, and running it puts back the database as it was before the run', async () => {
    const before = await dbContent(tb.devDb);
    const stopped = await stopAt([...CYCLE, '--edit'], { at: '❯ Snapshot kallithea.db', delayMs: 1500 }, 'SIGINT', { cwd: tb.root, env: { ...tb.env, EDITOR: slowEditor() } });
    expect(stopped.exitCode, stopped.output).toBe(130);
    const command = /run "(devdb snapshot restore \S+)"/.exec(stopped.stderr)?.[1];
    expect(command, stopped.stderr).toBeDefined();
    expect(stopped.stderr).toContain('during "Snapshot kallithea.db and upgrade it to head"');
    expect(await dbContent(tb.devDb)).not.toEqual(before); // half-way: the column is there, the revision is not
    const restored = await run(...(command as string).split(' ').slice(1));
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await dbContent(tb.devDb)).toEqual(before);
  });

  it('after SIGKILL there, the next cycle puts the database back from its snapshot by itself and succeeds', async () => {
    const stopped = await stopAt([...CYCLE, '--edit'], { at: '❯ Snapshot kallithea.db', delayMs: 1500 }, 'SIGKILL', { cwd: tb.root, env: { ...tb.env, EDITOR: slowEditor() } });
    expect(stopped.signal).toBe('SIGKILL');
    expect(SNAPSHOT.exec(stopped.stdout)?.[1]).toBeDefined();
    const again = await run(...CYCLE);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('development database restored from snapshot');
    const columns = await query<{ name: string }>(tb.devDb, "select name from pragma_table_info('repositories')");
    expect(columns.filter((c) => c.name === 'note')).toHaveLength(1);
    expect(versions().filter((f) => !original.includes(f))).toHaveLength(1);
  });
});
