import { describe, expect, it } from 'vitest';
import { addLine, alembicLayout, devdb, git, query } from '../support/devdb.js';

// The model files of an Alembic project are found from its env's target_metadata,
// wherever they are: a package of modules, a module they import, a file named orm.py.
// Each kind, edited, is a model change to devdb check and a new key to the reset cache.

const columns = async (db: string, table: string) => (await query<{ name: string }>(db, `select name from pragma_table_info('${table}')`)).map((c) => c.name);
const tables = async (db: string) => (await query<{ name: string }>(db, "select name from sqlite_master where type = 'table'")).map((t) => t.name);

describe('model files found from target_metadata', () => {
  it('models in a package: editing __init__.py, a module of it, or a module they import rebuilds on the next reset, and check refuses the edit alone', async () => {
    const project = await alembicLayout('models-package');
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    // Built from the models, a database changes with a model edit alone, with no migration to change the key too.
    expect((await run('init', '--yes', '--setup', 'models')).exitCode).toBe(0);
    expect((await run('reset')).exitCode).toBe(0);
    const again = await run('reset', '--json');
    expect(JSON.parse(again.stdout).cache.hit, again.stdout).toBe(true);
    const temp = `${project.root}/temp.db`;
    const edits: [file: string, after: string, line: string, proof: () => Promise<boolean>][] = [
      ['app/db/posts.py', '    body = Column(String(200))\n', '    title = Column(String(80))', async () => (await columns(temp, 'posts')).includes('title')],
      ['app/db/users.py', '    name = Column(String(50), nullable=False, unique=True)\n', '    bio = Column(String(80))', async () => (await columns(temp, 'users')).includes('bio')],
      ['app/db/mixins.py', '    version = Column(Integer)\n', '    revised = Column(Integer)', async () => (await columns(temp, 'users')).includes('revised')],
      ['app/db/__init__.py', 'Base = declarative_base()\n', 'from sqlalchemy import Column, Integer, Table  # noqa: E402\ntags = Table("tags", Base.metadata, Column("id", Integer, primary_key=True))', async () => (await tables(temp)).includes('tags')],
    ];
    for (const [file, after, line, proof] of edits) {
      addLine(project.root, file, after, line);
      await git(project.root, 'add', file);
      const check = await run('check', '--json');
      expect(check.exitCode, `${file}: ${check.stdout}${check.stderr}`).toBe(1);
      expect(JSON.parse(check.stdout).models).toEqual([file]);
      await git(project.root, 'reset', '-q');
      const reset = await run('reset', '--json');
      expect(JSON.parse(reset.stdout).cache.hit, `${file}: ${reset.stdout}`).toBe(false);
      expect(await proof(), file).toBe(true);
    }
  });

  it('a model module named orm.py: an edit rebuilds the next reset, and check refuses it alone', async () => {
    const project = await alembicLayout('orm-setup');
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes', '--setup', 'models')).exitCode).toBe(0);
    expect((await run('reset')).exitCode).toBe(0);
    addLine(project.root, project.models, project.after, '    title = Column(String(80))');
    const reset = await run('reset', '--json');
    expect(JSON.parse(reset.stdout).cache.hit, reset.stdout).toBe(false);
    expect(await columns(`${project.root}/temp.db`, 'notes')).toContain('title');
    await git(project.root, 'add', project.models);
    const check = await run('check', '--json');
    expect(check.exitCode, check.stdout).toBe(1);
    expect(JSON.parse(check.stdout).models).toEqual(['inventory/orm.py']);
  });

  it('"models" from init --models overrides what is found', async () => {
    const project = await alembicLayout('models-package');
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes', '--models', 'app/db/users.py', '--models', 'app/db/mixins.py')).exitCode).toBe(0);
    addLine(project.root, 'app/db/posts.py', '    body = Column(String(200))\n', '    title = Column(String(80))');
    await git(project.root, 'add', 'app/db/posts.py');
    const posts = await run('check', '--json');
    expect(posts.exitCode, posts.stdout).toBe(0);
    addLine(project.root, 'app/db/mixins.py', '    version = Column(Integer)\n', '    revised = Column(Integer)');
    await git(project.root, 'add', 'app/db/mixins.py');
    const mixins = await run('check', '--json');
    expect(mixins.exitCode, mixins.stdout).toBe(1);
    expect(JSON.parse(mixins.stdout).models).toEqual(['app/db/mixins.py']);
  });
});
