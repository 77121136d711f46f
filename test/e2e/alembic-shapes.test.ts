import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { alembicProject, devdb, query, type AlembicProject } from '../support/devdb.js';

// The small Alembic project of scripts/alembic-project.mjs, reshaped the way real
// projects are: revision ids with punctuation, the INI inside a package.

const commit = async (root: string, message: string) => {
  await execa('git', ['add', '-A'], { cwd: root });
  await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message], { cwd: root });
};

const edit = (file: string, change: (text: string) => string) => fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));

async function setVersion(devDb: string, revision: string): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(devDb);
  db.prepare('update alembic_version set version_num = ?').run(revision);
  db.close();
}

/** The first revision renamed from 0001 to `revision`, in its script and in the development database. */
async function renameFirstRevision(project: AlembicProject, revision: string): Promise<void> {
  edit(path.join(project.root, 'migrations', 'versions', '0001_initial_tables.py'), (t) => t.replace("revision: str = '0001'", `revision: str = '${revision}'`));
  await setVersion(project.devDb, revision);
  await commit(project.root, `revision ${revision}`);
}

/** alembic.ini, migrations/ and dev.db moved into app/db/, with script_location and the URL as `location` and `url`, run from there. */
async function moveIntoPackage(project: AlembicProject, location: string, url: string): Promise<{ ini: string; devDb: string }> {
  const folder = path.join(project.root, 'app', 'db');
  fs.mkdirSync(folder);
  fs.renameSync(path.join(project.root, 'migrations'), path.join(folder, 'migrations'));
  fs.renameSync(project.devDb, path.join(folder, 'dev.db'));
  const ini = path.join(folder, 'alembic.ini');
  fs.renameSync(project.devIni, ini);
  edit(ini, (t) =>
    t
      .replace('script_location = %(here)s/migrations', `script_location = ${location}`)
      .replace('prepend_sys_path = .', 'prepend_sys_path = ../..')
      .replace('sqlalchemy.url = sqlite:///%(here)s/dev.db', `sqlalchemy.url = ${url}`),
  );
  await commit(project.root, 'alembic inside the package');
  return { ini, devDb: path.join(folder, 'dev.db') };
}

const addTitle = (root: string) =>
  edit(path.join(root, 'app', 'models.py'), (t) => t.replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    title = Column(String(80), nullable=True)\n'));

describe('an Alembic project laid out as real ones are', () => {
  it('revision ids with dots (v1.0.0.a) are read whole: cycle generates, proves and applies the next migration after it', async () => {
    const project = await alembicProject();
    await renameFirstRevision(project, 'v1.0.0.a');
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
    addTitle(project.root);
    const cycle = await run('cycle', '--json', '-m', 'notes: add title');
    expect(cycle.exitCode, cycle.stdout).toBe(0);
    const report = JSON.parse(cycle.stdout);
    expect(fs.readFileSync(path.join(project.root, report.migration), 'utf8')).toContain("down_revision: Union[str, Sequence[str], None] = 'v1.0.0.a'");
    expect(await query(project.devDb, 'select version_num from alembic_version')).toEqual([{ version_num: report.revision }]);
    const verify = await run('verify');
    expect(verify.exitCode, verify.stdout).toBe(0);
    // The development database is at the new head now, so the base is the snapshot taken before it was applied.
    expect(verify.stdout).toMatch(/base-db: copy snapshot \S+ as the base database/);
    expect(verify.stdout).not.toContain('base-db: copy the development database');
    await execa('git', ['add', '-A'], { cwd: project.root });
    const check = await run('check', '--json');
    expect(check.exitCode, check.stdout).toBe(0);
    expect(JSON.parse(check.stdout).findings).toEqual([]);
  });

  it('a stale development database is named with its whole revision id', async () => {
    const project = await alembicProject();
    await renameFirstRevision(project, 'v1.0.0.a');
    await setVersion(project.devDb, 'v0.9.a');
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
    addTitle(project.root);
    const cycle = await run('cycle', '-m', 'notes: add title');
    expect(cycle.exitCode).toBe(2);
    expect(cycle.stderr).toContain('The development database is at v0.9.a but the newest migration is v1.0.0.a');
  });

  for (const [shape, location, url] of [
    ['a relative script_location', 'migrations', 'sqlite:///dev.db'],
    ['script_location with %(here)s', '%(here)s/migrations', 'sqlite:///%(here)s/dev.db'],
  ] as const) {
    it(`alembic.ini inside a package with ${shape}: paths resolve as for the development INI, whose bytes stay the same`, async () => {
      const project = await alembicProject();
      const moved = await moveIntoPackage(project, location, url);
      const before = fs.readFileSync(moved.ini);
      const run = (...args: string[]) => devdb(args, { cwd: project.root });
      const init = await run('init', '--yes', '--python', project.python, '--dev-ini', 'app/db/alembic.ini');
      expect(init.exitCode, init.stderr).toBe(0);
      const reset = await run('reset');
      expect(reset.exitCode, reset.stderr).toBe(0);
      addTitle(project.root);
      const cycle = await run('cycle', '--json', '-m', 'notes: add title');
      expect(cycle.exitCode, cycle.stdout).toBe(0);
      const report = JSON.parse(cycle.stdout);
      expect(report.migration).toMatch(/^app\/db\/migrations\/versions\//);
      expect(await query(moved.devDb, 'select version_num from alembic_version')).toEqual([{ version_num: report.revision }]);
      expect(fs.readFileSync(moved.ini).equals(before)).toBe(true);
      const vcs = await run('verify', '--json', '--base', 'vcs');
      expect(vcs.exitCode, vcs.stdout).toBe(0);
      await execa('git', ['add', 'app/models.py'], { cwd: project.root });
      const refused = await run('check', '--json');
      expect(refused.exitCode, refused.stdout).toBe(1);
      await execa('git', ['add', report.migration], { cwd: project.root });
      const check = await run('check', '--json');
      expect(check.exitCode, check.stdout).toBe(0);
      expect(JSON.parse(check.stdout).migrations).toEqual([report.migration]);
    });
  }

  it('init refuses, in one sentence and before writing devdb.json, an INI through which Alembic cannot load the scripts', async () => {
    const project = await alembicProject();
    await moveIntoPackage(project, 'nowhere', 'sqlite:///dev.db');
    const init = await devdb(['init', '--yes', '--python', project.python, '--dev-ini', 'app/db/alembic.ini'], { cwd: project.root });
    expect(init.exitCode).toBe(2);
    expect(init.stderr.trim().split('\n')).toHaveLength(1);
    expect(init.stderr).toMatch(/^devdb: Alembic cannot load the migration scripts through app\/db\/alembic.ini, run from app\/db \(CommandError: Path doesn't exist: .*nowhere.*\)/);
    expect(fs.existsSync(path.join(project.root, 'devdb.json'))).toBe(false);
  });

  it('--dev-db names the development database when alembic.ini holds a placeholder URL: cycle proves on copies of it and applies to it, the INI untouched', async () => {
    const project = await alembicProject();
    fs.mkdirSync(path.join(project.root, 'data'));
    const devDb = path.join(project.root, 'data', 'real.db');
    fs.renameSync(project.devDb, devDb);
    edit(project.devIni, (t) => t.replace('sqlalchemy.url = sqlite:///%(here)s/dev.db', 'sqlalchemy.url = sqlite:///alembic.db'));
    await commit(project.root, 'placeholder URL');
    const before = fs.readFileSync(project.devIni);
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    const refused = await run('init', '--yes', '--python', project.python, '--dev-db', 'temp.db');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--dev-db temp.db is the throwaway database');
    const init = await run('init', '--yes', '--python', project.python, '--dev-db', 'data/real.db');
    expect(init.exitCode, init.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.json'), 'utf8')).devDb).toBe('data/real.db');
    expect((await run('reset')).exitCode).toBe(0);
    addTitle(project.root);
    const cycle = await run('cycle', '--json', '-m', 'notes: add title');
    expect(cycle.exitCode, cycle.stdout).toBe(0);
    const report = JSON.parse(cycle.stdout);
    // One plain row, and the three boundary rows of the table the migration touches.
    expect(report.rows.before).toMatchObject({ users: 1, notes: 4 });
    expect(await query(devDb, 'select version_num from alembic_version')).toEqual([{ version_num: report.revision }]);
    expect(fs.existsSync(path.join(project.root, 'alembic.db'))).toBe(false);
    expect(fs.readFileSync(project.devIni).equals(before)).toBe(true);
    const snapshots = await run('snapshot', 'list', '--json');
    expect(JSON.parse(snapshots.stdout).snapshots[0].revisions).toEqual(['0001']);
  });

  it('init --yes appends the ignore lines the checkout lacks, once, so "git add -A" picks up none of devdb\'s files', async () => {
    const project = await alembicProject();
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    const init = await run('init', '--yes', '--python', project.python);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toContain('Added to .gitignore: temp.ini, temp.*.ini, temp.db, .devdb/, devdb.local.json.');
    expect((await run('init', '--yes', '--force', '--python', project.python)).stdout).not.toContain('Added to');
    expect(fs.readFileSync(path.join(project.root, '.gitignore'), 'utf8')).toBe('*.db\n__pycache__/\ntemp.ini\ntemp.*.ini\ntemp.db\n.devdb/\ndevdb.local.json\n');
    expect((await run('reset')).exitCode).toBe(0);
    addTitle(project.root);
    expect((await run('cycle', '--no-apply', '-m', 'notes: add title')).exitCode).toBe(0);
    const { stdout } = await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: project.root });
    // project.json is the test project's own description, written after its first commit.
    expect(stdout.split('\n').map((l) => l.slice(3)).filter((f) => f !== 'project.json').sort()).toEqual(['.gitignore', 'app/models.py', 'devdb.json', expect.stringMatching(/^migrations\/versions\/.*_notes_add_title\.py$/)]);
  });

  it('devdb.json is portable: paths inside the repository are relative, a Python outside it goes to the ignored devdb.local.json', async () => {
    const project = await alembicProject();
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    const init = await run('init', '--yes', '--python', project.python, '--repos', path.join(project.root, 'app'));
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toContain('python is a path outside the repository, so devdb.local.json holds it for you alone');
    const shared = fs.readFileSync(path.join(project.root, 'devdb.json'), 'utf8');
    expect(shared).not.toContain(project.root);
    expect(JSON.parse(shared)).toMatchObject({ devIni: 'alembic.ini', repos: 'app', throwawayIni: 'temp.ini' });
    expect(JSON.parse(shared).python).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.local.json'), 'utf8'))).toEqual({ python: project.python });
    expect((await run('reset')).exitCode).toBe(0);
    fs.rmSync(path.join(project.root, 'devdb.local.json'));
    const without = await run('reset');
    expect(without.exitCode).toBe(2);
    expect(without.stderr).toContain('"python" is missing');
  });
});
