import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, kallitheaTestbed, tempDir, type AlembicProject, type DevdbRun } from '../support/devdb.js';
import { pythonWithDrivers } from '../support/drivers.js';
import { databasesLike, SERVERS } from '../support/servers.js';

// devdb verify --all, the stairway: every revision upgraded, downgraded one step and
// upgraded again. One small Alembic project with a committed chain 0001 → 0002 → 0003 is
// built once; each case works on its own copy.

interface Stair {
  revision: string;
  upgrade: string;
  downgrade: string;
  reupgrade: string;
  irreversible?: true;
}

let chain: AlembicProject;
const alembicOf = (project: AlembicProject) => path.join(path.dirname(project.python), 'alembic');
const statuses = (report: { stairway: Stair[] }) => report.stairway.map((s) => `${s.revision}:${s.upgrade}/${s.downgrade}/${s.reupgrade}`);

/** Adds a model line after `after` and the revision autogenerate writes for it, then upgrades the development database. */
async function addRevision(project: AlembicProject, after: string, line: string, message: string, id: string): Promise<void> {
  const models = path.join(project.root, 'app', 'models.py');
  fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace(after, `${after}\n${line}`));
  await execa(alembicOf(project), ['revision', '--autogenerate', '-m', message, '--rev-id', id], { cwd: project.root });
  await execa(alembicOf(project), ['upgrade', 'head'], { cwd: project.root });
}

/** A copy of the committed chain, with its own folder. */
function copy(): { root: string; run: (...args: string[]) => Promise<DevdbRun>; script: (id: string) => string } {
  const root = path.join(tempDir('stairway'), 'project');
  fs.cpSync(chain.root, root, { recursive: true });
  const versions = path.join(root, 'migrations', 'versions');
  return {
    root,
    run: (...args) => devdb(args, { cwd: root }),
    script: (id) => path.join(versions, fs.readdirSync(versions).find((f) => f.startsWith(id))!),
  };
}

/** Replaces a script's downgrade() with `body`. */
function setDowngrade(file: string, body: string): void {
  const source = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, `${source.slice(0, source.indexOf('def downgrade()'))}def downgrade() -> None:\n${body}\n`);
}

beforeAll(async () => {
  chain = await alembicProject();
  const init = await devdb(['init', '--yes', '--python', chain.python], { cwd: chain.root });
  expect(init.exitCode, init.stderr).toBe(0);
  await addRevision(chain, '    body = Column(String(200))', '    title = Column(String(80), nullable=True)', 'notes: add title', '0002');
  await addRevision(chain, '    name = Column(String(50), nullable=False, unique=True)', '    email = Column(String(120), nullable=True, index=True)', 'users: add email', '0003');
  const git = (...args: string[]) => execa('git', args, { cwd: chain.root });
  await git('add', '-A');
  await git('-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', 'commit', '-q', '-m', 'a chain of three');
});

describe('devdb verify --all on a small Alembic project', () => {
  it('walks the whole chain from an empty database, one line per revision, every step passed', async () => {
    const { run } = copy();
    const result = await run('verify', '--all', '--json');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(statuses(report)).toEqual(['0001:passed/passed/passed', '0002:passed/passed/passed', '0003:passed/passed/passed']);
    expect(report.stairway[1]).toMatchObject({ file: 'migrations/versions/0002_notes_add_title.py', ms: expect.any(Number) });
    expect(report.start).toEqual({ revision: 'base', reason: 'the history replays from an empty database (setup: migrations), so the walk starts at base' });
    expect(result.stdout).not.toMatch(/\b(above|below)\b/);

    const people = await run('verify', '--all');
    expect(people.exitCode).toBe(0);
    expect(people.stdout.match(/^✔ stair: \S+/gm)).toEqual(['✔ stair: 0001', '✔ stair: 0002', '✔ stair: 0003']);
    expect(people.stdout).toContain('sqlite: the walk starts at base: the history replays from an empty database');
    expect(people.stdout).toContain('devdb verify --all: 3 revisions passed upgrade, downgrade and upgrade again on sqlite.');
  });

  it('an older revision whose downgrade drops the wrong column fails there, naming the revision and the step, after the ones that passed', async () => {
    const { run, script } = copy();
    setDowngrade(script('0002'), "    op.drop_column('notes', 'body')");
    const result = await run('verify', '--all', '--json');
    expect(result.exitCode, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(statuses(report)).toEqual(['0001:passed/passed/passed', '0002:passed/failed/not run']);
    expect(report.error.message).toMatch(/^Revision 0002 \(migrations\/versions\/0002_notes_add_title\.py\): after its downgrade the database differs from the database before its upgrade \(1 difference: notes\.body: column removed\); make downgrade\(\) undo exactly what upgrade\(\) does\.$/);
    expect(report.diffs).toEqual([expect.objectContaining({ revision: '0002', check: 'downgrade' })]);
    expect(report.diffs[0].changes.map((c: { kind: string; table: string; object: string }) => `${c.kind} ${c.table}.${c.object}`).sort()).toEqual(['column-removed notes.body']);
  });

  it('--from and --to limit the walk; a revision that does not exist is refused with exit 2', async () => {
    const { run } = copy();
    const limited = await run('verify', '--all', '--from', '0002', '--to', '0002', '--json');
    expect(limited.exitCode, limited.stdout).toBe(0);
    const report = JSON.parse(limited.stdout);
    expect(statuses(report)).toEqual(['0002:passed/passed/passed']);
    expect(report.start).toEqual({ revision: '0001', reason: '--from 0002: the base is upgraded from empty to 0001' });

    const unknown = await run('verify', '--all', '--to', '0009');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stdout + unknown.stderr).toContain('--to 0009 is no revision of the migrations; give one "alembic history" lists.');
    const reversed = await run('verify', '--all', '--from', '0003', '--to', '0001');
    expect(reversed.exitCode).toBe(2);
    expect(reversed.stdout + reversed.stderr).toContain('--from 0003 comes after --to 0001 in the history; give the older revision to --from.');
  });

  it('walks two branches and their merge parents first, undoing each branch alone', async () => {
    const { root, run } = copy();
    const versions = path.join(root, 'migrations', 'versions');
    const revision = (id: string, parents: string, up: string, down: string) =>
      fs.writeFileSync(path.join(versions, `${id}.py`), `from alembic import op\nimport sqlalchemy as sa\n\nrevision = '${id}'\ndown_revision = ${parents}\n\n\ndef upgrade():\n    ${up}\n\n\ndef downgrade():\n    ${down}\n`);
    revision('0004b', "'0003'", "op.add_column('users', sa.Column('b', sa.Integer(), nullable=True))", "op.drop_column('users', 'b')");
    revision('0004a', "'0003'", "op.add_column('notes', sa.Column('a', sa.Integer(), nullable=True))", "op.drop_column('notes', 'a')");
    revision('0005', "('0004a', '0004b')", 'pass', 'pass');
    const models = path.join(root, 'app', 'models.py');
    fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))', '    body = Column(String(200))\n    a = Column(Integer, nullable=True)').replace('    email =', '    b = Column(Integer, nullable=True)\n    email ='));
    const result = await run('verify', '--all', '--from', '0004a', '--json');
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.stairway.map((s: Stair) => s.revision).sort()).toEqual(['0004a', '0004b', '0005']);
    expect(report.stairway.at(-1).revision).toBe('0005');
    expect(statuses(report).every((s) => s.endsWith(':passed/passed/passed'))).toBe(true);
  });

  it('an irreversible newest migration passes as irreversible in verify and verify --all, and fails with --strict', async () => {
    const { root, run, script } = copy();
    // The development database at 0002, where plain verify proves the newest migration from.
    await execa(alembicOf(chain), ['downgrade', '0002'], { cwd: root });
    setDowngrade(script('0003'), "    raise NotImplementedError('the email column stays')");

    const walk = await run('verify', '--all', '--json');
    expect(walk.exitCode, walk.stdout).toBe(0);
    const report = JSON.parse(walk.stdout);
    expect(report.stairway.at(-1)).toMatchObject({ revision: '0003', upgrade: 'passed', downgrade: 'skipped', reupgrade: 'skipped', irreversible: true });
    const strictWalk = await run('verify', '--all', '--strict', '--json');
    expect(strictWalk.exitCode).toBe(1);
    expect(JSON.parse(strictWalk.stdout).error.message).toContain('Revision 0003 (migrations/versions/0003_users_add_email.py) declares its downgrade irreversible (downgrade() raises NotImplementedError), and --strict makes that a failure');

    const newest = await run('verify', '--json');
    expect(newest.exitCode, newest.stdout).toBe(0);
    const proof = JSON.parse(newest.stdout);
    expect(proof.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual(['upgrade:passed', 'downgrade:skipped']);
    expect(proof.steps.find((s: { id: string }) => s.id === 'downgrade')).toMatchObject({ status: 'skipped', reason: 'irreversible: downgrade() raises NotImplementedError' });
    const strict = await run('verify', '--strict', '--json');
    expect(strict.exitCode).toBe(1);
    expect(JSON.parse(strict.stdout).error.message).toBe(
      'The migration declares its downgrade irreversible (downgrade() raises NotImplementedError), and --strict makes that a failure; write a downgrade() that undoes upgrade(), or run without --strict.',
    );
  });
});

describe('devdb verify --all on the Kallithea testbed and on every engine', () => {
  it('on Kallithea it starts from the committed head downgraded as far as the downgrades go, says where and why, and walks up from there', async () => {
    const tb = await kallitheaTestbed();
    const result = await devdb(['verify', '--all', '--json'], { cwd: tb.root, env: tb.env });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    // Kallithea 0.7's 4851d15bc437 downgrade reads a table from an empty MetaData (KeyError), so the walk cannot go below it.
    expect(report.start.revision).toBe('4851d15bc437');
    expect(report.start.reason).toMatch(/^the history does not start from an empty database .*, so the base is the committed head 7ba0d2cad930, downgraded to 4851d15bc437: its downgrade fails \(KeyError: 'user_ssh_keys'\), so the walk cannot go below it$/);
    expect(statuses(report)).toEqual(['d7ec25b66e47', 'a0a1bf09c143', 'f62826179f39', '7ba0d2cad930'].map((r) => `${r}:passed/passed/passed`));
  });

  it('--engine all walks the chain on SQLite, PostgreSQL and MariaDB and drops what it made on the servers', async () => {
    const { root, run } = copy();
    const init = await run('init', '--yes', '--force', '--python', await pythonWithDrivers(chain.python), '--server-url', SERVERS.postgres, '--server-url', SERVERS.mysql);
    expect(init.exitCode, init.stderr).toBe(0);
    const result = await run('verify', '--all', '--engine', 'all', '--json');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.engines.map((e: { engine: string; ok: boolean }) => `${e.engine}:${e.ok}`)).toEqual(['sqlite:true', 'postgres:true', 'mysql:true']);
    for (const engine of report.engines) expect(statuses(engine)).toEqual(['0001', '0002', '0003'].map((r) => `${r}:passed/passed/passed`));
    for (const server of ['postgres', 'mysql'] as const) {
      const made = report.engines.find((e: { engine: string }) => e.engine === server).dropped as string[];
      expect(made.length, root).toBeGreaterThan(0);
      for (const name of made) expect(await databasesLike(server, name)).toEqual([]);
    }
  });
});
