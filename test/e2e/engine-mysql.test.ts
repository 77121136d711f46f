import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlEngine } from '../../src/engines/mysql/engine.js';
import type { DatabaseTarget } from '../../src/engines/url.js';
import { diffSchemas } from '../../src/schema/diff.js';

// Against the real MariaDB on 127.0.0.1:3306 (root, no password). Every database this
// file makes starts with PREFIX, and afterAll checks none is left.

const SERVER = 'mysql+pymysql://root@127.0.0.1:3306';
const PREFIX = `devdb_test_my_${process.pid}_`;
const target = (name: string, server = SERVER): DatabaseTarget => ({ engine: 'mysql', url: `${server}/${PREFIX}${name}?charset=utf8mb4`, database: `${PREFIX}${name}` });

let admin: mysql.Connection;
const engine = mysqlEngine();

/** Runs SQL in one of this file's databases through a connection of its own. */
async function run(name: string, ...statements: string[]): Promise<unknown[]> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: `${PREFIX}${name}` });
  try {
    const results: unknown[] = [];
    for (const sql of statements) results.push((await connection.query(sql))[0]);
    return results;
  } finally {
    await connection.end();
  }
}

const leftOver = async (): Promise<string[]> =>
  ((await admin.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ?) = ? ORDER BY 1', [PREFIX.length, PREFIX]))[0] as { name: string }[]).map(
    (row) => row.name,
  );

// The schema SQLAlchemy would emit for two tables: AUTO_INCREMENT keys, a CASCADE foreign key
// and one without an index of its own, a named and an unnamed UNIQUE, a named and an unnamed
// index, named and unnamed CHECKs, a JSON column.
const INLINE = [
  `CREATE TABLE orgs (
     id INTEGER NOT NULL AUTO_INCREMENT, name VARCHAR(50) NOT NULL, active BOOL NOT NULL DEFAULT 1,
     created DATETIME DEFAULT CURRENT_TIMESTAMP, kind VARCHAR(10) NOT NULL DEFAULT 'plain', meta JSON,
     PRIMARY KEY (id), UNIQUE (name), CONSTRAINT ck_orgs_kind CHECK (kind IN ('plain', 'big')))`,
  `CREATE TABLE users (
     id INTEGER NOT NULL AUTO_INCREMENT, org_id INTEGER NOT NULL, boss_id INTEGER, email VARCHAR(100) NOT NULL, age INTEGER NOT NULL,
     score NUMERIC(5, 2) DEFAULT -1,
     PRIMARY KEY (id), CONSTRAINT uq_users_email UNIQUE (email),
     FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE, FOREIGN KEY (boss_id) REFERENCES users (id), CHECK (age >= 18))`,
  'CREATE INDEX ix_users_org_id ON users (org_id)',
  'ALTER TABLE users ADD INDEX (age)',
  'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))',
  "INSERT INTO alembic_version VALUES ('3f2a9c1b7d10')",
];

// The same schema as migrations would build it: bare tables, then ALTER TABLE, other spellings.
const ALTERED = [
  "CREATE TABLE orgs (id INT(11) NOT NULL, name VARCHAR(50) NOT NULL, active TINYINT(1) NOT NULL DEFAULT '1', created DATETIME DEFAULT current_timestamp(), kind VARCHAR(10) NOT NULL DEFAULT 'plain')",
  'ALTER TABLE orgs ADD PRIMARY KEY (id)',
  'ALTER TABLE orgs MODIFY id INT NOT NULL AUTO_INCREMENT',
  'ALTER TABLE orgs ADD COLUMN meta JSON',
  'ALTER TABLE orgs ADD UNIQUE (name)',
  "ALTER TABLE orgs ADD CONSTRAINT ck_orgs_kind CHECK (kind IN ('plain', 'big'))",
  "CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, org_id INT NOT NULL, boss_id INT, email varchar(100) NOT NULL, age int NOT NULL, score DECIMAL(5,2) DEFAULT '-1.00')",
  'ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email)',
  'CREATE INDEX ix_users_org_id ON users (org_id)',
  'ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE',
  'ALTER TABLE users ADD FOREIGN KEY (boss_id) REFERENCES users (id)',
  'ALTER TABLE users ADD CHECK (age >= 18)',
  'CREATE INDEX age ON users (age)',
];

beforeAll(async () => {
  admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
});

afterAll(async () => {
  await engine.close();
  for (const name of await leftOver()) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  const left = await leftOver();
  await admin.end();
  expect(left).toEqual([]);
});

describe('mysql engine', () => {
  it('creates a database carrying its marker, refuses it twice, and drops it', async () => {
    const db = target('life');
    expect(await engine.exists(db)).toBe(false);
    expect(await engine.marker(db)).toBeUndefined();
    await engine.create(db, 'devdb:one');
    expect(await engine.exists(db)).toBe(true);
    expect(await engine.marker(db)).toBe('devdb:one');
    await expect(engine.create(db, 'devdb:two')).rejects.toThrow(`The MariaDB database "${PREFIX}life" already exists at 127.0.0.1:3306; drop it or choose another name.`);
    expect(await engine.revisions(db)).toEqual([]);
    expect(await engine.countRows(db)).toEqual({});
    await engine.drop(db);
    expect(await engine.exists(db)).toBe(false);
    await engine.drop(db);
    expect(await engine.revisions(db)).toEqual([]);
  });

  it('inspects the same schema built two ways as equal, and tells real differences', async () => {
    await engine.create(target('inline'), 'm');
    await engine.create(target('altered'), 'm');
    await run('inline', ...INLINE);
    await run('altered', ...ALTERED);
    const inline = await engine.inspect(target('inline'));
    const altered = await engine.inspect(target('altered'));
    expect(inline.engine).toBe('mysql');
    expect(inline.tables.map((t) => t.name)).toEqual(['orgs', 'users']);
    const [orgs, users] = inline.tables;
    expect(orgs?.columns.find((c) => c.name === 'meta')).toEqual({ name: 'meta', type: 'json', nullable: true, default: null, primaryKey: false });
    expect(orgs?.checks).toEqual([{ name: 'ck_orgs_kind', expression: "`kind` in ('plain','big')" }]);
    expect(orgs?.uniques).toEqual([{ name: 'name', columns: ['name'] }]);
    expect(users?.columns.find((c) => c.name === 'id')).toEqual({ name: 'id', type: 'int(11)', nullable: false, default: null, primaryKey: true, attributes: { autoincrement: 'true' } });
    // The index InnoDB made for boss_id's foreign key is not one the schema asked for.
    expect(users?.indexes).toEqual([
      { name: 'age', columns: ['age'], unique: false },
      { name: 'ix_users_org_id', columns: ['org_id'], unique: false },
    ]);
    expect(users?.uniques).toEqual([{ name: 'uq_users_email', columns: ['email'] }]);
    expect(users?.foreignKeys).toEqual([
      { name: 'users_ibfk_1', columns: ['org_id'], refTable: 'orgs', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'RESTRICT' },
      { name: 'users_ibfk_2', columns: ['boss_id'], refTable: 'users', refColumns: ['id'], onDelete: 'RESTRICT', onUpdate: 'RESTRICT' },
    ]);
    expect(users?.checks).toEqual([{ name: 'CONSTRAINT_1', expression: '`age` >= 18' }]);
    expect(diffSchemas(inline, altered)).toEqual([]);

    await run('altered', 'ALTER TABLE users ADD COLUMN nick VARCHAR(20)', 'ALTER TABLE users MODIFY email TEXT NOT NULL', 'DROP INDEX age ON users');
    const changes = diffSchemas(inline, await engine.inspect(target('altered')));
    expect(changes.map((c) => c.message)).toEqual(['users.nick: column added', 'users.email: type changed from varchar(100) to text', 'users.age: index removed']);
  });

  it('reads the Alembic revisions, counts rows and seeds tables with foreign keys, NOT NULL and CHECKs', async () => {
    const db = target('inline');
    expect(await engine.revisions(db)).toEqual(['3f2a9c1b7d10']);
    expect(await engine.countRows(db)).toEqual({ orgs: 0, users: 0 });
    expect(await engine.seedRows(db, ['users'])).toEqual([
      { table: 'orgs', inserted: 1 },
      { table: 'users', inserted: 1 },
    ]);
    expect(await engine.countRows(db)).toEqual({ orgs: 1, users: 1 });
    expect(await engine.seedRows(db, ['users'])).toEqual([
      { table: 'orgs', inserted: 0 },
      { table: 'users', inserted: 0 },
    ]);
    await expect(engine.seedRows(db, ['nope'])).rejects.toThrow(`mysql: seeding "nope": no such table in database "${PREFIX}inline".`);
  });

  it('finds a value for the other column types SQLAlchemy uses', async () => {
    const db = target('types');
    await engine.create(db, 'm');
    await run(
      'types',
      `CREATE TABLE kinds (id INT AUTO_INCREMENT PRIMARY KEY, kind ENUM('x''s', 'y') NOT NULL, meta JSON NOT NULL, flag BIT(1) NOT NULL,
         at TIMESTAMP NOT NULL, day DATE NOT NULL, price DECIMAL(10, 2) NOT NULL, data BLOB NOT NULL, code CHAR(2) NOT NULL,
         active BOOL NOT NULL CHECK (active = 1), doubled INT AS (id * 2) VIRTUAL)`,
    );
    expect(await engine.seedRows(db, ['kinds'])).toEqual([{ table: 'kinds', inserted: 1 }]);
    await engine.drop(db);
  });

  it('says why a table cannot be seeded', async () => {
    const db = target('unseedable');
    await engine.create(db, 'm');
    await run(
      'unseedable',
      'CREATE TABLE parents (id INT AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL, CHECK (n > 5 AND n < 3))',
      'CREATE TABLE children (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT NOT NULL, FOREIGN KEY (parent_id) REFERENCES parents (id))',
    );
    expect(await engine.seedRows(db, ['children'])).toEqual([
      { table: 'parents', inserted: 0, skipped: 'cannot satisfy CHECK (`n` > 5 and `n` < 3)' },
      { table: 'children', inserted: 0, skipped: 'no row in "parents" to reference' },
    ]);
    await engine.drop(db);
  });

  it('copies a database with its rows, keys, indexes, views and AUTO_INCREMENT, leaving the new marker', async () => {
    await run('inline', 'CREATE VIEW big_orgs AS SELECT id, name FROM orgs WHERE kind = "big"', 'CREATE VIEW big_names AS SELECT name FROM big_orgs');
    const copy = target('copy');
    await engine.copy(target('inline'), copy, 'devdb:copy');
    expect(await engine.marker(copy)).toBe('devdb:copy');
    expect(await engine.marker(target('inline'))).toBe('m');
    expect(diffSchemas(await engine.inspect(target('inline')), await engine.inspect(copy))).toEqual([]);
    expect(await engine.countRows(copy)).toEqual({ orgs: 1, users: 1 });
    expect(await engine.revisions(copy)).toEqual(['3f2a9c1b7d10']);
    const [inserted, , views] = await run(
      'copy',
      "INSERT INTO orgs (name, kind) VALUES ('second', 'big')",
      'DELETE FROM orgs',
      "SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
    );
    // AUTO_INCREMENT numbers on, and ON DELETE CASCADE came along (the delete took the users row).
    expect(inserted).toMatchObject({ insertId: 2 });
    expect(await engine.countRows(copy)).toEqual({ orgs: 0, users: 0 });
    expect(views).toEqual([{ name: 'big_names' }, { name: 'big_orgs' }]);
    await expect(engine.copy(target('inline'), copy, 'x')).rejects.toThrow(`The MariaDB database "${PREFIX}copy" already exists at 127.0.0.1:3306; drop it or choose another name.`);
    await expect(engine.copy(target('missing'), target('copy2'), 'x')).rejects.toThrow(`The MariaDB database "${PREFIX}missing" does not exist at 127.0.0.1:3306; create it, or fix the database name in the URL.`);
  });

  it('explains a server it cannot reach, wrong credentials, a missing database and a missing privilege in one sentence', async () => {
    const refused = await engine.exists(target('x', 'mysql://root:secret@127.0.0.1:1')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ exitCode: 2, message: 'MariaDB at 127.0.0.1:1 refused the connection; start it, or fix the server URL in devdb.json.' });
    const wrong = await engine.exists(target('x', 'mysql://root:wrong-secret@127.0.0.1:3306')).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ exitCode: 2, message: 'MariaDB at 127.0.0.1:3306 rejected user "root"; fix the user or password in the server URL in devdb.json.' });
    const missing = await engine.inspect(target('missing')).catch((e: unknown) => e);
    expect(missing).toMatchObject({ exitCode: 2, message: `The MariaDB database "${PREFIX}missing" does not exist at 127.0.0.1:3306; create it, or fix the database name in the URL.` });

    const user = `${PREFIX}nocreate`.slice(0, 60);
    await admin.query("CREATE USER ?@'%'", [user]);
    try {
      const denied = await engine.create(target('denied', `mysql://${user}@127.0.0.1:3306`), 'm').catch((e: unknown) => e);
      expect(denied).toMatchObject({ exitCode: 2, message: `MariaDB user "${user}" may not create databases; grant it the CREATE privilege (GRANT ALL ON *.* TO …) or use a user that has it.` });
      const unusable = await engine.countRows(target('inline', `mysql://${user}@127.0.0.1:3306`)).catch((e: unknown) => e);
      expect(unusable).toMatchObject({ exitCode: 2, message: `MariaDB user "${user}" may not use database "${PREFIX}inline"; grant it privileges on that database or use a user that has them.` });
    } finally {
      await engine.close();
      await admin.query("DROP USER ?@'%'", [user]);
    }
  });
});
