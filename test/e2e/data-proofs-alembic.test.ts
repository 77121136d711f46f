import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, tempDir, type AlembicProject } from '../support/devdb.js';
import { pythonWithDrivers } from '../support/drivers.js';
import { databasesLike, SERVERS } from '../support/servers.js';

// The data proofs on the small Alembic project: values by primary key, not just rows
// (issue 13). The development database holds a NULL and a 21-character note; each case
// writes the models and a hand-written migration 0002, then runs verify.

let template: AlembicProject;

beforeAll(async () => {
  template = await alembicProject();
  const init = await devdb(['init', '--yes', '--python', template.python], { cwd: template.root });
  expect(init.exitCode, init.stderr).toBe(0);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(template.devDb);
  db.exec("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace'); INSERT INTO notes (id, user_id, body) VALUES (1, 1, 'twenty-one characters'), (2, 2, NULL);");
  db.close();
}, 120_000);

/** A copy of the project whose models have `notes` as given and whose migration 0002 is `script`. */
interface Script {
  upgrade: string;
  downgrade: string;
  head?: string;
}

function project(notes: string, script: Script) {
  const root = path.join(tempDir('data-proofs'), 'project');
  fs.cpSync(template.root, root, { recursive: true });
  const models = path.join(root, 'app', 'models.py');
  fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', notes));
  const write = (migration: Script) => {
    const indent = (body: string) => body.trim().split('\n').map((line) => `    ${line}`).join('\n');
    fs.writeFileSync(
      path.join(root, 'migrations', 'versions', '0002_change.py'),
      `"""change\n\nRevision ID: 0002\nRevises: 0001\n"""\n${migration.head ?? ''}\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '0002'\ndown_revision = '0001'\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n${indent(migration.upgrade)}\n\n\ndef downgrade():\n${indent(migration.downgrade)}\n`,
    );
  };
  write(script);
  return { root, write, run: (...args: string[]) => devdb(args, { cwd: root }) };
}

/** Sets "seed" in the copy's devdb.json. */
const setSeed = (root: string, seed: unknown) => {
  const file = path.join(root, 'devdb.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), seed }));
};

const ADD_TITLE = {
  upgrade: "op.add_column('notes', sa.Column('title', sa.String(length=80), nullable=True))",
  downgrade: "with op.batch_alter_table('notes') as batch_op:\n    batch_op.drop_column('title')",
};

// Lint stops both of these before the round trip (narrowing-type, rename-as-drop-add); each
// carries the marker of an author who vouched for it, so the value checks are what catch them.
const NARROWED = {
  upgrade: "with op.batch_alter_table('notes') as batch_op:\n    batch_op.alter_column('body', existing_type=sa.String(length=200), type_=sa.String(length=10))  # devdb: ignore narrowing-type",
  downgrade: "with op.batch_alter_table('notes') as batch_op:\n    batch_op.alter_column('body', existing_type=sa.String(length=10), type_=sa.String(length=200))",
};

const DROP_BODY = {
  upgrade: "with op.batch_alter_table('notes') as batch_op:\n    batch_op.drop_column('body')",
  downgrade: "op.add_column('notes', sa.Column('body', sa.String(length=200), nullable=True))",
};

describe('data proofs on a plain Alembic project', () => {
  it('a rename written as drop and add fails with the alter_column that keeps the values', async () => {
    const renamed = {
      upgrade: "op.add_column('notes', sa.Column('text', sa.String(length=200), nullable=True))\nwith op.batch_alter_table('notes') as batch_op:\n    batch_op.drop_column('body')  # devdb: ignore rename-as-drop-add",
      downgrade: "op.add_column('notes', sa.Column('body', sa.String(length=200), nullable=True))\nwith op.batch_alter_table('notes') as batch_op:\n    batch_op.drop_column('text')",
    };
    const { run, write } = project('    text = Column(String(200))\n', renamed);
    const result = await run('verify', '--json');
    expect(result.exitCode, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed', 'passed']);
    expect(report.rows.before.notes).toBe(report.rows.upgrade.notes);
    expect(report.values.lost).toEqual([expect.objectContaining({ step: 'upgrade', table: 'notes', column: 'body', renamedTo: 'text', allowed: false })]);
    expect(report.error.message).toContain("with op.batch_alter_table('notes') as batch_op: batch_op.alter_column('body', new_column_name='text')");
    expect(report.error.message).toContain('"# devdb: allow data-loss notes.body"');

    // The same rename with the values copied across before the drop loses nothing.
    write({ ...renamed, upgrade: renamed.upgrade.replace('\nwith', '\nop.execute("UPDATE notes SET text = body")\nwith') });
    const copied = await run('verify', '--json');
    expect(copied.exitCode, copied.stdout).toBe(0);
    expect(JSON.parse(copied.stdout).values.lost).toEqual([]);
  });

  it('narrowing String(200) to String(10) over a 21-character note fails on SQLite, naming the row', async () => {
    const narrowed = NARROWED;
    const { run, write } = project('    body = Column(String(10))\n', narrowed);
    const result = await run('verify', '--json');
    expect(result.exitCode, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout);
    // The development database's note, and the two boundary rows devdb seeded at the full 200 characters.
    expect(report.shapes).toEqual([{ table: 'notes', inserted: 3 }]);
    expect(report.values.truncated).toEqual([expect.objectContaining({ table: 'notes', column: 'body', declared: 10, count: 3 })]);
    expect(report.values.truncated[0].rows.map((r: { length: number }) => r.length)).toEqual([200, 200, 21]);
    expect(report.values.truncated[0].rows[2]).toEqual({ key: '1', length: 21 });
    expect(report.error.message).toMatch(/^The upgrade narrows notes\.body to VARCHAR\(10\), and 3 rows hold a longer value \(primary key \d+ \(200 characters\), \d+ \(200 characters\), 1 \(21 characters\)\); keep the column at least 200 characters long/);
    expect(report.error.message).toContain('op.execute("UPDATE notes SET body = substr(body, 1, 10) WHERE length(body) > 10")');

    // The fix, pasted into the upgrade as suggested, passes.
    write({ ...narrowed, upgrade: `op.execute("UPDATE notes SET body = substr(body, 1, 10) WHERE length(body) > 10")\n${narrowed.upgrade}` });
    const fixed = await run('verify', '--json');
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    expect(JSON.parse(fixed.stdout).values.truncated).toEqual([]);
  });

  it('the same narrowing fails on PostgreSQL and MariaDB too, naming the rows rather than only the server\'s refusal, and leaves no database behind', async () => {
    const { run } = project('    body = Column(String(10))\n', NARROWED);
    const init = await run('init', '--yes', '--force', '--python', await pythonWithDrivers(template.python), '--server-url', SERVERS.postgres, '--server-url', SERVERS.mysql);
    expect(init.exitCode, init.stderr).toBe(0);
    const result = await run('verify', '--engine', 'all', '--json');
    expect(result.exitCode, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.engines.map((e: { engine: string; ok: boolean }) => `${e.engine}:${e.ok}`)).toEqual(['sqlite:false', 'postgres:false', 'mysql:false']);
    for (const engine of report.engines.slice(1)) {
      // Built from the committed code, the server bases hold devdb's rows only: the two boundary rows at 200 characters.
      expect(engine.error.message, engine.engine).toMatch(/^The upgrade narrows notes\.body to (character varying|varchar)\(10\), and 2 rows hold a longer value \(primary key \d+ \(200 characters\), \d+ \(200 characters\)\)/);
      for (const name of engine.dropped as string[]) expect(await databasesLike(engine.engine, name)).toEqual([]);
    }
  }, 120_000);

  it('dropping a column that holds data fails, passes with --accept-data-loss, and an allow-data-loss marker passes it and reports the marker that matches nothing', async () => {
    const unmarked = project('', DROP_BODY);
    const failed = JSON.parse((await unmarked.run('verify', '--json')).stdout);
    expect(failed.error.message).toMatch(/^The upgrade loses data: notes\.body loses \d+ values?; keep the data/);
    const accepted = await unmarked.run('verify', '--json', '--accept-data-loss');
    expect(accepted.exitCode, accepted.stdout).toBe(0);
    expect(JSON.parse(accepted.stdout).values.lost).toEqual([expect.objectContaining({ table: 'notes', column: 'body', allowed: true })]);

    const marked = project('', { ...DROP_BODY, head: '# devdb: allow data-loss notes.body, users.email\n' });
    const result = await marked.run('verify', '--json');
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.values.lost).toEqual([expect.objectContaining({ table: 'notes', column: 'body', allowed: true })]);
    expect(report.values.warnings).toEqual(['line 6: "# devdb: allow data-loss users.email" matches nothing the upgrade loses; remove it, or name the table or table.column the upgrade drops.']);
    expect(report.values.downgradeLost).toEqual([expect.objectContaining({ table: 'notes', column: 'body' })]);
  });

  it('dropping a table that holds rows fails, and passes with the table named in an allow-data-loss marker', async () => {
    const dropNotes = {
      upgrade: "op.drop_table('notes')",
      downgrade:
        "op.create_table('notes', sa.Column('id', sa.Integer(), nullable=False), sa.Column('user_id', sa.Integer(), nullable=False), sa.Column('body', sa.String(length=200), nullable=True), sa.ForeignKeyConstraint(['user_id'], ['users.id']), sa.PrimaryKeyConstraint('id'))",
    };
    const { root, run, write } = project('    body = Column(String(200))\n', dropNotes);
    const models = path.join(root, 'app', 'models.py');
    fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace(/\n\nclass Note[\s\S]*$/, '\n'));
    const failed = JSON.parse((await run('verify', '--json')).stdout);
    expect(failed.error.message).toMatch(/^The upgrade loses data: table notes is dropped with 5 rows; keep the data .*"# devdb: allow data-loss notes"/);
    write({ ...dropNotes, head: '# devdb: allow data-loss notes\n' });
    const marked = await run('verify', '--json');
    expect(marked.exitCode, marked.stdout).toBe(0);
    expect(JSON.parse(marked.stdout).values.lost).toEqual([{ step: 'upgrade', table: 'notes', column: null, rows: 5, renamedTo: null, allowed: true }]);
  });

  it("applies the project's .sql seed or Python seeder to the base before the proof, and a seed that cannot be applied is a usage error", async () => {
    const { root, run } = project('    body = Column(String(200))\n    title = Column(String(80), nullable=True)\n', ADD_TITLE);
    fs.mkdirSync(path.join(root, 'fixtures'));
    fs.writeFileSync(path.join(root, 'fixtures', 'rows.sql'), "-- fixture rows; a ';' in a comment\nINSERT INTO users (id, name) VALUES (10, 'semi;colon');\nINSERT INTO notes (id, user_id, body) VALUES (10, 10, 'from the seed');\n");
    setSeed(root, 'fixtures/rows.sql');
    const sql = await run('verify', '--json');
    expect(sql.exitCode, sql.stdout).toBe(0);
    const report = JSON.parse(sql.stdout);
    // Two development rows and the seed's note, then devdb's three boundary rows.
    expect(report.rows.before).toMatchObject({ users: 3, notes: 6 });
    expect(report.values).toEqual({ lost: [], truncated: [], downgradeLost: [], warnings: [] });

    fs.writeFileSync(path.join(root, 'fixtures_seed.py'), "import sqlalchemy as sa\n\n\ndef rows(connection):\n    connection.execute(sa.text(\"INSERT INTO users (id, name) VALUES (20, 'from python')\"))\n");
    setSeed(root, { python: 'fixtures_seed:rows' });
    const python = await run('verify', '--json');
    expect(python.exitCode, python.stdout).toBe(0);
    expect(JSON.parse(python.stdout).rows.before).toMatchObject({ users: 3 });

    fs.writeFileSync(path.join(root, 'fixtures', 'bad.sql'), 'INSERT INTO nowhere VALUES (1);\n');
    setSeed(root, 'fixtures/bad.sql');
    const bad = await run('verify', '--json');
    expect(bad.exitCode, bad.stdout).toBe(2);
    expect(JSON.parse(bad.stdout).error.message).toMatch(/^The seed fixtures\/bad\.sql could not be applied to the base \(.*no such table: nowhere.*\); fix it, or remove "seed" from devdb\.json\./);
    setSeed(root, { python: 'no_such_module:rows' });
    const missing = await run('verify', '--json');
    expect(missing.exitCode).toBe(2);
    expect(JSON.parse(missing.stdout).error.message).toMatch(/^The seed no_such_module:rows could not be applied to the base \(cannot import no_such_module: No module named '?no_such_module'?\)/);
  });
});
