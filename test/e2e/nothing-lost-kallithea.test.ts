import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, query } from '../support/devdb.js';

const LASTNAME = '    lastname = Column(Unicode(255), nullable=False)';
const NICK = '    nick = Column(Unicode(255), nullable=True)';
const TITLE = '    title = Column(Unicode(255), nullable=True)';

/** A fresh testbed whose first draft (users.nick) is applied, and a way to run devdb in it. */
async function applied() {
  const tb = await kallitheaTestbed();
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  editModels(tb.root, LASTNAME, NICK);
  const first = await run('cycle', '-m', 'user: a');
  expect(first.exitCode, first.stderr).toBe(0);
  const state = () => JSON.parse(fs.readFileSync(path.join(tb.root, '.devdb', 'state.json'), 'utf8'));
  return { tb, run, state };
}

/** Writes to the development database by hand, as the developer or a running Kallithea would. */
async function write(file: string, sql: string): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { timeout: 30_000 });
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

const settingNames = async (file: string) => (await query<{ name: string }>(file, "select app_settings_name as name from settings where app_settings_name like 'w-%'")).map((r) => r.name);

// One open connection that inserts a setting every 20 ms, committing each, until the stop file appears;
// it reports the rows it committed and every error it met.
const WRITER = `
import json, os, sqlite3, sys, time
db, stop = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, timeout=30, isolation_level=None)
committed, errors, n = [], [], 0
print('ready', flush=True)
while not os.path.exists(stop):
    n += 1
    try:
        conn.execute("insert into settings (app_settings_name, app_settings_value) values (?, 'v')", ('w-%d' % n,))
        committed.append('w-%d' % n)
    except sqlite3.Error as error:
        errors.append(str(error))
    time.sleep(0.02)
print(json.dumps({'committed': committed, 'errors': errors}), flush=True)
`;

/** Starts the writer on `file`; `stop()` ends it and returns what it committed and the errors it got. */
async function liveWriter(file: string) {
  const stopFile = `${file}.stop-writer`;
  const child = execa('python3', ['-c', WRITER, file, stopFile], { timeout: 300_000 });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return {
    stop: async (): Promise<{ committed: string[]; errors: string[] }> => {
      fs.writeFileSync(stopFile, '');
      const { stdout } = await child;
      fs.rmSync(stopFile);
      return JSON.parse(String(stdout).split('\n').pop()!);
    },
  };
}

describe('cycle replacing an applied draft loses no row of the development database', () => {
  it('a user inserted by hand after the apply survives the next cycle, undone by the draft\'s own downgrade', async () => {
    const { tb, run } = await applied();
    await write(tb.devDb, "insert into users (username, password, active, admin, firstname, lastname, api_key, created_on, nick) values ('late', 'x', 1, 0, 'L', 'User', 'k', '2026-01-01', 'n')");
    editModels(tb.root, NICK, TITLE);
    const second = await run('cycle', '-m', 'user: a');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/changed since draft \w+ was applied; .*snapshot \S+ holds it as it was; undid the draft with its own downgrade/);
    expect(await query(tb.devDb, "select username from users where username = 'late'")).toEqual([{ username: 'late' }]);
    const columns = (await query<{ name: string }>(tb.devDb, "select name from pragma_table_info('users')")).map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['nick', 'title']));
  });

  it('a live writer (a row every 20 ms on one open connection) keeps every committed row and never gets an error', async () => {
    const { tb, run } = await applied();
    const writer = await liveWriter(tb.devDb);
    editModels(tb.root, NICK, TITLE);
    const second = await run('cycle', '-m', 'user: a');
    const { committed, errors } = await writer.stop();
    expect(second.exitCode, second.stderr).toBe(0);
    expect(errors).toEqual([]);
    expect(committed.length).toBeGreaterThan(0);
    expect(new Set(await settingNames(tb.devDb))).toEqual(new Set(committed));
  });

  it('unchanged since the apply: the snapshot is restored in place (same file), and a connection open meanwhile keeps working', async () => {
    const { tb, run } = await applied();
    const inode = fs.statSync(tb.devDb).ino;
    const { default: Database } = await import('better-sqlite3');
    const open = new Database(tb.devDb, { timeout: 30_000 });
    try {
      editModels(tb.root, NICK, TITLE);
      const second = await run('cycle', '-m', 'user: a');
      expect(second.exitCode, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/unchanged since draft \w+ was applied: restored snapshot \S+ in place/);
      open.prepare("insert into settings (app_settings_name, app_settings_value) values ('w-open', 'v')").run();
    } finally {
      open.close();
    }
    expect(fs.statSync(tb.devDb).ino).toBe(inode);
    expect(await settingNames(tb.devDb)).toEqual(['w-open']);
  });

  it('a downgrade that fails changes nothing and names both snapshots and the two ways on', async () => {
    const { tb, run, state } = await applied();
    const draft = state().draft;
    // An index on the draft's column makes its downgrade (batch drop_column) fail.
    await write(tb.devDb, "create index my_nick_idx on users (nick); insert into settings (app_settings_name, app_settings_value) values ('w-kept', 'v')");
    editModels(tb.root, NICK, TITLE);
    const failed = await run('cycle', '-m', 'user: a');
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/the development database changed since draft \w+ was applied, and the draft's downgrade failed .*; nothing was changed\. Snapshot \S+ holds it as it was before the draft, snapshot \S+ holds it now .*: fix the downgrade in \S+ and run "devdb cycle" again, or run "devdb snapshot restore \S+" to drop what was written since, then cycle again\./);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(draft.file)).toBe(true);
    expect(await settingNames(tb.devDb)).toEqual(['w-kept']);
    expect(await query(tb.devDb, "select name from sqlite_master where name = 'my_nick_idx'")).toHaveLength(1);
    // The first way on: the index goes, and the cycle passes, keeping the row.
    await write(tb.devDb, 'drop index my_nick_idx');
    const fixed = await run('cycle', '-m', 'user: a');
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(await settingNames(tb.devDb)).toEqual(['w-kept']);
  });
});

describe('snapshots and ownership through symlinks', () => {
  it('with .devdb a symlink to another folder, clean keeps the snapshots and the next cycle replaces the draft', async () => {
    const tb = await kallitheaTestbed();
    const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
    const elsewhere = path.join(path.dirname(tb.root), 'state elsewhere');
    fs.mkdirSync(path.join(tb.root, '.devdb'), { recursive: true });
    fs.renameSync(path.join(tb.root, '.devdb'), elsewhere);
    fs.symlinkSync(elsewhere, path.join(tb.root, '.devdb'));
    editModels(tb.root, LASTNAME, NICK);
    expect((await run('cycle', '-m', 'x')).exitCode).toBe(0);
    const snapshots = fs.readdirSync(path.join(elsewhere, 'snapshots'));
    const clean = await run('clean');
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(fs.readdirSync(path.join(elsewhere, 'snapshots'))).toEqual(snapshots);
    editModels(tb.root, NICK, TITLE);
    const again = await run('cycle', '-m', 'x');
    expect(again.exitCode, again.stderr).toBe(0);
  });

  it('with --config through a symlinked project root, clean keeps the snapshots and cycle still works', async () => {
    const tb = await kallitheaTestbed();
    const link = path.join(path.dirname(tb.root), 'linked root');
    fs.symlinkSync(tb.root, link);
    const run = (...args: string[]) => devdb([...args, '--config', path.join(link, 'devdb.json')], { cwd: path.dirname(tb.root), env: tb.env });
    editModels(tb.root, LASTNAME, NICK);
    const first = await run('cycle', '-m', 'x');
    expect(first.exitCode, first.stderr).toBe(0);
    const snapshots = fs.readdirSync(path.join(tb.root, '.devdb', 'snapshots'));
    expect((await run('clean')).exitCode).toBe(0);
    expect(fs.readdirSync(path.join(tb.root, '.devdb', 'snapshots'))).toEqual(snapshots);
    editModels(tb.root, NICK, TITLE);
    const again = await run('cycle', '-m', 'x');
    expect(again.exitCode, again.stderr).toBe(0);
  });

  it('a pre-apply snapshot deleted by hand: the next cycle undoes the draft with its downgrade and says so', async () => {
    const { tb, run } = await applied();
    fs.rmSync(path.join(tb.root, '.devdb', 'snapshots'), { recursive: true });
    editModels(tb.root, NICK, TITLE);
    const second = await run('cycle', '-m', 'user: a');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/snapshot \S+ from before draft \w+ was applied is gone; .*undid the draft with its own downgrade/);
  });
});
