import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, query, starts, type Testbed } from '../support/devdb.js';
import { dbContent, leftovers, ROUND_TRIP_POINTS, SNAPSHOT, stopAndCheck, stopAt, type StopPoint } from '../support/faults.js';

// devdb cycle stopped by SIGINT and by SIGKILL at every step boundary
// and inside the Python steps. After each stop the development database is
// byte-identical, or the output names the one command that puts it back (and running it
// does); nothing left behind blocks the next run, which succeeds.

let tb: Testbed & { env: Record<string, string> };
let original: string[];
const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: { ...tb.env } });
const versions = () => fs.readdirSync(path.join(tb.root, 'kallithea', 'alembic', 'versions')).filter((f) => f.endsWith('.py'));
const revision = async () => (await query<{ version_num: string }>(tb.devDb, 'select version_num from alembic_version'))[0]?.version_num;

const CYCLE = ['cycle', '-m', 'repositories: add note'];
const CYCLE_POINTS: StopPoint[] = [
  ...['replace-draft', 'preflight', 'make-config', 'point-db', 'base-db', 'drop-db', 'model-db', 'autogenerate'].map(starts),
  ...ROUND_TRIP_POINTS,
  starts('apply'),
]
  .map((at) => ({ at, delayMs: 0 }))
  .concat([
    { at: starts('preflight'), delayMs: 250 },
    { at: starts('model-db'), delayMs: 600 },
    // Alembic writes the draft some tens of milliseconds into this step.
    { at: starts('autogenerate'), delayMs: 40 },
    { at: starts('autogenerate'), delayMs: 70 },
    { at: starts('autogenerate'), delayMs: 100 },
  ]);

beforeAll(async () => {
  tb = await kallitheaTestbed();
  original = versions();
  editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    note = Column(Unicode(255), nullable=True)');
});

describe('devdb cycle stopped at every step', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it.each(CYCLE_POINTS)(`${signal} $delayMs ms after $at`, async (point) => {
      await stopAndCheck(CYCLE, point, signal, tb);
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
    const stopped = await stopAt([...CYCLE, '--edit'], { at: starts('apply'), delayMs: 1500 }, 'SIGINT', { cwd: tb.root, env: { ...tb.env, EDITOR: slowEditor() } });
    expect(stopped.exitCode, stopped.output).toBe(130);
    const command = /run "(devdb snapshot restore \S+)"/.exec(stopped.stderr)?.[1];
    expect(command, stopped.stderr).toBeDefined();
    expect(stopped.stderr).toContain('during "apply: ');
    expect(await dbContent(tb.devDb)).not.toEqual(before); // half-way: the column is there, the revision is not
    const restored = await run(...(command as string).split(' ').slice(1));
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await dbContent(tb.devDb)).toEqual(before);
  });

  it('after SIGKILL there, the next cycle puts the database back from its snapshot by itself and succeeds', async () => {
    const stopped = await stopAt([...CYCLE, '--edit'], { at: starts('apply'), delayMs: 1500 }, 'SIGKILL', { cwd: tb.root, env: { ...tb.env, EDITOR: slowEditor() } });
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
