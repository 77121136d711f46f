import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { copyDatabase, countRows, seedRows, sqliteInspector } from '../../src/engines/sqlite/database.js';
import { inspectDatabase, query } from '../../src/engines/sqlite/inspect.js';
import { diffSchemas } from '../../src/schema/diff.js';
import type { Table } from '../../src/schema/model.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-sqlite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A new database file built by `sql`. */
function database(sql: string): string {
  const file = path.join(dir, `db${++files}.sqlite`);
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return file;
}

const SCHEMA = `
  CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    name VARCHAR(5) NOT NULL,
    CONSTRAINT uq_orgs_name UNIQUE (name)
  );
  CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(50) NOT NULL UNIQUE,
    org_id INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    active BOOLEAN NOT NULL DEFAULT 0,
    created DATETIME DEFAULT (CURRENT_TIMESTAMP),
    role VARCHAR(10) DEFAULT 'member' CONSTRAINT ck_users_role CHECK (role IN ('member', 'admin')),
    score FLOAT DEFAULT -1.5,
    note TEXT,
    CHECK (active IN (0, 1)),
    -- a comment with CHECK (nothing) in it
    CONSTRAINT "ck,odd" CHECK (length(email) > 3 AND email <> 'a)b, '' c')
  );
  CREATE INDEX ix_users_org ON users (org_id);
  CREATE UNIQUE INDEX ix_users_org_email ON users (org_id, email);
  CREATE TABLE memberships (
    user_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    since DATE,
    PRIMARY KEY (user_id, org_id),
    CONSTRAINT fk_memberships_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY (org_id) REFERENCES orgs,
    UNIQUE (since, user_id)
  );
  CREATE TABLE logs (id INTEGER PRIMARY KEY AUTOINCREMENT, message TEXT);
  CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
  INSERT INTO alembic_version VALUES ('abc123');
`;

const tableOf = async (file: string, name: string): Promise<Table | undefined> =>
  (await sqliteInspector(file).inspect()).tables.find((table) => table.name === name);

describe('inspecting a SQLite database', () => {
  const file = database(SCHEMA);

  it('lists the user tables, without alembic_version and sqlite_sequence', async () => {
    const schema = await sqliteInspector(file).inspect();
    expect(schema.engine).toBe('sqlite');
    expect(schema.tables.map((table) => table.name)).toEqual(['logs', 'memberships', 'orgs', 'users']);
  });

  it('reads columns with their types, nullability, defaults and primary key', async () => {
    expect((await tableOf(file, 'users'))?.columns).toEqual([
      { name: 'id', type: 'INTEGER', nullable: false, default: null, primaryKey: true },
      { name: 'email', type: 'VARCHAR(50)', nullable: false, default: null, primaryKey: false },
      { name: 'org_id', type: 'INTEGER', nullable: false, default: null, primaryKey: false },
      { name: 'active', type: 'BOOLEAN', nullable: false, default: '0', primaryKey: false },
      { name: 'created', type: 'DATETIME', nullable: true, default: 'CURRENT_TIMESTAMP', primaryKey: false },
      { name: 'role', type: 'VARCHAR(10)', nullable: true, default: "'member'", primaryKey: false },
      { name: 'score', type: 'FLOAT', nullable: true, default: '-1.5', primaryKey: false },
      { name: 'note', type: 'TEXT', nullable: true, default: null, primaryKey: false },
    ]);
    expect((await tableOf(file, 'memberships'))?.columns.filter((c) => c.primaryKey).map((c) => c.name)).toEqual(['user_id', 'org_id']);
  });

  it('lists explicit indexes only, and UNIQUE constraints apart, named where the DDL names them', async () => {
    const users = await tableOf(file, 'users');
    expect(users?.indexes).toEqual([
      { name: 'ix_users_org', columns: ['org_id'], unique: false },
      { name: 'ix_users_org_email', columns: ['org_id', 'email'], unique: true },
    ]);
    expect(users?.uniques).toEqual([{ name: null, columns: ['email'] }]);
    expect((await tableOf(file, 'orgs'))?.uniques).toEqual([{ name: 'uq_orgs_name', columns: ['name'] }]);
    const memberships = await tableOf(file, 'memberships');
    expect(memberships?.indexes).toEqual([]);
    expect(memberships?.uniques).toEqual([{ name: null, columns: ['since', 'user_id'] }]);
  });

  it('reads foreign keys with their actions, names, and the implied primary key of the parent', async () => {
    expect((await tableOf(file, 'users'))?.foreignKeys).toEqual([
      { name: null, columns: ['org_id'], refTable: 'orgs', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
    ]);
    expect((await tableOf(file, 'memberships'))?.foreignKeys).toEqual([
      { name: 'fk_memberships_user', columns: ['user_id'], refTable: 'users', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
      { name: null, columns: ['org_id'], refTable: 'orgs', refColumns: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' },
    ]);
  });

  it('parses CHECK constraints, named and unnamed, through quotes, commas, nested parentheses and comments', async () => {
    expect((await tableOf(file, 'users'))?.checks).toEqual([
      { name: 'ck_users_role', expression: "role IN ('member', 'admin')" },
      { name: null, expression: 'active IN (0, 1)' },
      { name: 'ck,odd', expression: "length(email) > 3 AND email <> 'a)b, '' c'" },
    ]);
  });

  it('names the driver and the object when it cannot read', async () => {
    expect(() => sqliteInspector(path.join(dir, 'missing.sqlite')).inspect()).toThrow(/^sqlite: opening ".*missing.sqlite": /);
    expect(() =>
      query('querying "users" columns', () => {
        throw new Error('disk I/O error');
      }),
    ).toThrow('sqlite: querying "users" columns: disk I/O error');
  });

  it('finds no difference between a column added by ALTER TABLE and one created in the middle', async () => {
    const created = database('CREATE TABLE t (id INTEGER PRIMARY KEY, added VARCHAR(20) DEFAULT (0), name TEXT NOT NULL);');
    const altered = database(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL); ALTER TABLE t ADD COLUMN added varchar(20) DEFAULT '0';`);
    expect((await tableOf(altered, 't'))?.columns.map((c) => c.name)).toEqual(['id', 'name', 'added']);
    expect(diffSchemas(await sqliteInspector(created).inspect(), await sqliteInspector(altered).inspect())).toEqual([]);
  });

  it('inspects again what changed since: a schema changed in place, a file replaced by another, and a copy the caller changed', async () => {
    const file = database(SCHEMA);
    const first = await sqliteInspector(file).inspect();
    const names = first.tables.map((t) => t.name);
    const orgs = () => altered.tables.find((t) => t.name === 'orgs')!;
    first.tables.pop();
    first.tables[0]!.columns[0]!.name = 'changed by the caller';
    const again = await sqliteInspector(file).inspect();
    expect(again.tables.map((t) => t.name)).toEqual(names);
    expect(again.tables[0]!.columns[0]!.name).not.toBe('changed by the caller');
    const db = new Database(file);
    db.exec('ALTER TABLE orgs ADD COLUMN motto TEXT; CREATE INDEX ix_orgs_motto ON orgs (motto)');
    db.close();
    const altered = await sqliteInspector(file).inspect();
    expect(orgs().columns.map((c) => c.name)).toContain('motto');
    expect(orgs().indexes.map((i) => i.name)).toContain('ix_orgs_motto');
    fs.copyFileSync(database('CREATE TABLE orgs (id INTEGER PRIMARY KEY, name VARCHAR(9))'), file);
    const replaced = await sqliteInspector(file).inspect();
    expect(replaced.tables.map((t) => [t.name, t.columns.map((c) => `${c.name} ${c.type}`)])).toEqual([['orgs', ['id INTEGER', 'name VARCHAR(9)']]]);
  });

  it('inspects one connection again after DDL on it: its prepared queries and the parents of its keys are read afresh', () => {
    const db = new Database(database('CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES orgs)'));
    try {
      const key = (schema: ReturnType<typeof inspectDatabase>) => schema.tables.find((t) => t.name === 'users')!.foreignKeys[0]!.refColumns;
      expect(key(inspectDatabase(db))).toEqual(['id']);
      db.exec('CREATE TABLE orgs_new (code TEXT PRIMARY KEY, name TEXT); DROP TABLE orgs; ALTER TABLE orgs_new RENAME TO orgs; ALTER TABLE users ADD COLUMN motto TEXT');
      const again = inspectDatabase(db);
      expect(key(again)).toEqual(['code']);
      expect(again.tables.find((t) => t.name === 'users')!.columns.map((c) => c.name)).toEqual(['id', 'org_id', 'motto']);
    } finally {
      db.close();
    }
  });
});

describe('copying a SQLite database', () => {
  it('makes a copy with the same schema and rows, even of a database that is open and in WAL mode', async () => {
    const source = database(SCHEMA);
    const live = new Database(source);
    live.pragma('journal_mode = WAL');
    live.exec("INSERT INTO orgs (name) VALUES ('a'), ('b'); INSERT INTO logs (message) VALUES ('hi');");
    const dest = path.join(dir, 'copy.sqlite');
    try {
      await copyDatabase(source, dest);
    } finally {
      live.close();
    }
    expect(await sqliteInspector(dest).inspect()).toEqual(await sqliteInspector(source).inspect());
    expect(countRows(dest)).toEqual({ logs: 1, memberships: 0, orgs: 2, users: 0 });
    expect(countRows(dest)).toEqual(countRows(source));
    const copy = new Database(dest, { readonly: true });
    expect(copy.prepare('SELECT name FROM orgs ORDER BY id').pluck().all()).toEqual(['a', 'b']);
    copy.close();
  });

  it('refuses to overwrite an existing file', async () => {
    const source = database(SCHEMA);
    const dest = database('CREATE TABLE precious (id INTEGER);');
    await expect(copyDatabase(source, dest)).rejects.toThrow(/destination exists/);
    expect(countRows(dest)).toEqual({ precious: 0 });
  });
});

describe('seeding rows', () => {
  it('puts a valid row in every empty table, parents first, with foreign keys enforced', async () => {
    const file = database(SCHEMA);
    const seeded = await seedRows(file);
    expect(seeded.map((s) => s.table)).toEqual(['logs', 'orgs', 'users', 'memberships']);
    expect(seeded.every((s) => s.inserted === 1 && s.skipped === undefined)).toBe(true);
    expect(countRows(file)).toEqual({ logs: 1, memberships: 1, orgs: 1, users: 1 });
    const db = new Database(file, { readonly: true });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT name FROM orgs').pluck().get()).toBe('devdb');
    expect(db.prepare('SELECT role, active, email FROM users').get()).toEqual({ role: 'member', active: 0, email: 'devdb-1' });
    expect(db.prepare('SELECT count(*) FROM memberships JOIN users ON users.id = user_id JOIN orgs ON orgs.id = memberships.org_id').pluck().get()).toBe(1);
    db.close();
  });

  it('seeds only the tables asked for and the ones they reference, and leaves full tables alone', async () => {
    const file = database(`${SCHEMA} INSERT INTO orgs (name) VALUES ('x');`);
    expect(await seedRows(file, ['memberships'])).toEqual([
      { table: 'orgs', inserted: 0 },
      { table: 'users', inserted: 1 },
      { table: 'memberships', inserted: 1 },
    ]);
    expect(countRows(file)).toEqual({ logs: 0, memberships: 1, orgs: 1, users: 1 });
  });

  it('gives values by type and satisfies NOT NULL, unique, CHECK and self references', async () => {
    const file = database(`
      CREATE TABLE things (
        id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES things (id), code CHAR(3) NOT NULL UNIQUE,
        price NUMERIC(10, 2) NOT NULL, ratio REAL NOT NULL, at TIMESTAMP NOT NULL, day DATE NOT NULL,
        data BLOB NOT NULL, flag BOOL NOT NULL, meta JSON NOT NULL, kind VARCHAR(5) NOT NULL CHECK (kind IN ('one', 'two')),
        UNIQUE (code, kind)
      );
      CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes (id));`);
    expect(await seedRows(file)).toEqual([
      { table: 'nodes', inserted: 1 },
      { table: 'things', inserted: 1 },
    ]);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT * FROM things').get()).toEqual({
      id: 1, parent_id: 1, code: 'dev', price: 1, ratio: 1.5, at: '2020-01-01 00:00:00', day: '2020-01-01', data: Buffer.from([0]), flag: 0, meta: '{}', kind: 'one',
    });
    // An optional parent stays empty rather than the row being its own.
    expect(db.prepare('SELECT * FROM nodes').get()).toEqual({ id: 1, parent_id: null });
    db.close();
  });

  it("reads CHECK expressions with SQLite's quoting: [bracketed] names and '' in strings", async () => {
    const file = database(`CREATE TABLE quoted (id INTEGER PRIMARY KEY, [my kind] TEXT NOT NULL CHECK ([my kind] IN ('it''s', 'other')));`);
    expect(await seedRows(file)).toEqual([{ table: 'quoted', inserted: 1 }]);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT "my kind" FROM quoted').pluck().get()).toBe("it's");
    db.close();
  });

  it('reports a table it cannot satisfy instead of failing', async () => {
    const file = database(`
      CREATE TABLE impossible (id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n > 5 AND n < 3));
      CREATE TABLE orphan (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES missing (id));
      CREATE TABLE fine (id INTEGER PRIMARY KEY);`);
    expect(await seedRows(file)).toEqual([
      { table: 'fine', inserted: 1 },
      { table: 'impossible', inserted: 0, skipped: 'cannot satisfy CHECK (n > 5 AND n < 3)' },
      { table: 'orphan', inserted: 0, skipped: expect.stringMatching(/^sqlite: reading "missing" keys: no such table/) },
    ]);
  });

  it('refuses a table that does not exist', async () => {
    await expect(seedRows(database(SCHEMA), ['nope'])).rejects.toThrow(/seeding "nope": no such table/);
  });
});
