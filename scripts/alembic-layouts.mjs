#!/usr/bin/env node
// Builds one of five real-shaped Alembic projects at <dir>, laid out the way
// third-party projects are, each a git repository with a .venv (a link to the
// shared virtualenv of scripts/alembic-common.mjs), a development database at head
// and one commit:
//
//   package-ini    alembic.ini and alembic/ inside a package (shop/db/), a relative
//                  script_location, revision ids with dots (v1.0.0.a)
//   models-package models in app/db/__init__.py, users.py, posts.py (and a mixin
//                  module they import), script file names with dashes from a
//                  file_template (Alembic itself refuses '-' in a revision id)
//   orm-setup      models in inventory/orm.py, a first migration that assumes the
//                  tables exist (the project builds databases with create_all and
//                  stamp head), alembic.ini written by tools/make_ini.py with an
//                  absolute script_location
//   dev-db         a placeholder URL in alembic.ini; the development database is
//                  var/dev.db, which developers reach through DATABASE_URL
//   busy-env       env.py reading the URL from config.attributes or an environment
//                  variable, compare_type and render_as_batch, include_object
//                  keeping autogenerate off a table the project's search setup
//                  makes (blog/search_setup.py)
//
//   node scripts/alembic-layouts.mjs <layout> <dir>
//
// <dir>/project.json says what a test needs: root, python, devIni, devDb, the init
// flags the layout needs, and where to add a column to the models.
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';
import { MODELS, sharedVenv } from './alembic-common.mjs';


const NOTE_BODY = '    body = Column(String(200))\n';

/** Writes files under root: { 'a/b.py': text }. */
async function write(root, files) {
  for (const [file, text] of Object.entries(files)) {
    await fs.ensureDir(path.dirname(path.join(root, file)));
    await fs.writeFile(path.join(root, file), text);
  }
}

/** Edits a file: each [from, to] pair must match. */
async function edit(file, ...pairs) {
  let text = await fs.readFile(file, 'utf8');
  for (const [from, to] of pairs) {
    if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  await fs.writeFile(file, text);
}

const setMetadata = (envPy, imports) => edit(envPy, ['target_metadata = None', `${imports}\ntarget_metadata = Base.metadata`]);

const LAYOUTS = {
  async 'package-ini'(root, run) {
    await write(root, { 'shop/__init__.py': '', 'shop/models.py': MODELS, 'shop/db/__init__.py': '' });
    const db = path.join(root, 'shop', 'db');
    await run.alembic(db, 'init', 'alembic');
    const ini = path.join(db, 'alembic.ini');
    // Run from shop/db, as the project's developers do: every path in the INI is relative to it.
    await edit(
      ini,
      ['script_location = %(here)s/alembic', 'script_location = alembic'],
      ['prepend_sys_path = .', 'prepend_sys_path = ../..'],
      ['sqlalchemy.url = driver://user:pass@localhost/dbname', 'sqlalchemy.url = sqlite:///%(here)s/dev.db'],
    );
    await setMetadata(path.join(db, 'alembic', 'env.py'), 'from shop.models import Base');
    await run.alembic(db, 'revision', '--autogenerate', '-m', 'initial tables', '--rev-id', 'v1.0.0.a');
    await run.alembic(db, 'upgrade', 'head');
    return { devIni: ini, devDb: path.join(db, 'dev.db'), flags: ['--dev-ini', 'shop/db/alembic.ini'], models: 'shop/models.py', after: NOTE_BODY };
  },

  async 'models-package'(root, run) {
    await write(root, {
      'app/__init__.py': '',
      'app/db/__init__.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\nfrom app.db import users, posts  # noqa: E402,F401  (registers the tables)\n',
      'app/db/mixins.py': 'from sqlalchemy import Column, Integer\n\n\nclass Versioned:\n    version = Column(Integer)\n',
      'app/db/users.py': 'from sqlalchemy import Column, Integer, String\n\nfrom app.db import Base\nfrom app.db.mixins import Versioned\n\n\nclass User(Versioned, Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    name = Column(String(50), nullable=False, unique=True)\n',
      'app/db/posts.py':
        'from sqlalchemy import Column, ForeignKey, Integer, String\n\nfrom . import Base\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)\n    body = Column(String(200))\n',
    });
    await run.alembic(root, 'init', 'migrations');
    await edit(
      path.join(root, 'alembic.ini'),
      ['sqlalchemy.url = driver://user:pass@localhost/dbname', 'sqlalchemy.url = sqlite:///%(here)s/dev.db'],
      ['# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s', 'file_template = %%(year)d_%%(month).2d_%%(day).2d-%%(rev)s_%%(slug)s'],
    );
    await setMetadata(path.join(root, 'migrations', 'env.py'), 'from app.db import Base');
    await run.alembic(root, 'revision', '--autogenerate', '-m', 'initial tables', '--rev-id', '2024_01_05_1a2b');
    await run.alembic(root, 'upgrade', 'head');
    return { devIni: path.join(root, 'alembic.ini'), devDb: path.join(root, 'dev.db'), flags: [], models: 'app/db/posts.py', after: NOTE_BODY };
  },

  async 'orm-setup'(root, run) {
    const orm = MODELS.replace(NOTE_BODY, `${NOTE_BODY}    pinned = Column(Integer)\n`);
    await write(root, {
      'inventory/__init__.py': '',
      'inventory/orm.py': orm,
      // The project's own helpers: an INI for this checkout, and a database made the way its README says.
      'tools/make_ini.py': `import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(sys.argv[1]) as template, open(os.path.join(root, "alembic.ini"), "w") as ini:
    ini.write(template.read().replace("@MIGRATIONS@", os.path.join(root, "migrations")).replace("@DB@", os.path.join(root, "dev.db")))
`,
      'tools/__init__.py': '',
      'tools/make_db.py': `from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from inventory.orm import Base

config = Config("alembic.ini")
Base.metadata.create_all(create_engine(config.get_main_option("sqlalchemy.url")))
command.stamp(config, "head")
`,
    });
    await run.alembic(root, 'init', 'migrations');
    await fs.move(path.join(root, 'alembic.ini'), path.join(root, 'tools', 'alembic.ini.in'));
    await edit(
      path.join(root, 'tools', 'alembic.ini.in'),
      ['script_location = %(here)s/migrations', 'script_location = @MIGRATIONS@'],
      ['sqlalchemy.url = driver://user:pass@localhost/dbname', 'sqlalchemy.url = sqlite:///@DB@'],
    );
    await setMetadata(path.join(root, 'migrations', 'env.py'), 'from inventory.orm import Base');
    await run.python(root, 'tools/make_ini.py', 'tools/alembic.ini.in');
    // The first migration adds a column to a table only create_all makes: upgrade head cannot start from empty.
    await write(root, {
      'migrations/versions/0001_pin_notes.py': `"""pin notes

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notes") as batch_op:
        batch_op.add_column(sa.Column("pinned", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("notes") as batch_op:
        batch_op.drop_column("pinned")
`,
    });
    await run.python(root, '-m', 'tools.make_db');
    return { devIni: path.join(root, 'alembic.ini'), devDb: path.join(root, 'dev.db'), flags: ['--setup', 'models'], models: 'inventory/orm.py', after: `${NOTE_BODY}    pinned = Column(Integer)\n`, ignore: ['alembic.ini'] };
  },

  async 'dev-db'(root, run) {
    await write(root, { 'app/__init__.py': '', 'app/models.py': MODELS });
    await run.alembic(root, 'init', 'migrations');
    await edit(path.join(root, 'alembic.ini'), ['sqlalchemy.url = driver://user:pass@localhost/dbname', 'sqlalchemy.url = sqlite:///alembic.db']);
    const envPy = path.join(root, 'migrations', 'env.py');
    await setMetadata(envPy, 'import os\n\nfrom app.models import Base\n\nif os.environ.get("DATABASE_URL"):\n    config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])');
    const devDb = path.join(root, 'var', 'dev.db');
    await fs.ensureDir(path.dirname(devDb));
    const env = { DATABASE_URL: `sqlite:///${devDb}` };
    await run.alembic(root, 'revision', '--autogenerate', '-m', 'initial tables', '--rev-id', '0001', { env });
    await run.alembic(root, 'upgrade', 'head', { env });
    return { devIni: path.join(root, 'alembic.ini'), devDb, flags: ['--dev-db', 'var/dev.db'], models: 'app/models.py', after: NOTE_BODY };
  },

  async 'busy-env'(root, run) {
    const models = `${MODELS.replace('from sqlalchemy import Column,', 'from sqlalchemy import Column, Table, Text,')}

# Filled by a trigger the project's search setup installs; autogenerate is kept off it.
search_index = Table("search_index", Base.metadata, Column("note_id", Integer, primary_key=True), Column("terms", Text))
`;
    await write(root, { 'blog/__init__.py': '', 'blog/models.py': models });
    await run.alembic(root, 'init', 'migrations');
    await edit(path.join(root, 'alembic.ini'), ['sqlalchemy.url = driver://user:pass@localhost/dbname', 'sqlalchemy.url = sqlite:///%(here)s/dev.db']);
    const envPy = path.join(root, 'migrations', 'env.py');
    await setMetadata(
      envPy,
      `import os

from blog.models import Base


def database_url():
    return config.attributes.get("url") or os.environ.get("BLOG_DATABASE_URL") or config.get_main_option("sqlalchemy.url")


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name == "search_index")`,
    );
    await edit(
      envPy,
      ['    url = config.get_main_option("sqlalchemy.url")\n', '    url = database_url()\n'],
      ['        dialect_opts={"paramstyle": "named"},\n', '        dialect_opts={"paramstyle": "named"},\n        compare_type=True,\n        render_as_batch=True,\n        include_object=include_object,\n'],
      ['    connectable = engine_from_config(\n        config.get_section(config.config_ini_section, {}),', '    connectable = config.attributes.get("connection") or engine_from_config(\n        {"sqlalchemy.url": database_url()},'],
      ['            connection=connection, target_metadata=target_metadata', '            connection=connection, target_metadata=target_metadata, compare_type=True, render_as_batch=True, include_object=include_object'],
    );
    await run.alembic(root, 'revision', '--autogenerate', '-m', 'initial tables', '--rev-id', '0001');
    await run.alembic(root, 'upgrade', 'head');
    await write(root, { 'blog/search_setup.py': 'import sqlite3\nimport sys\n\nsqlite3.connect(sys.argv[1]).execute("CREATE TABLE search_index (note_id INTEGER NOT NULL PRIMARY KEY, terms TEXT)")\n' });
    await run.python(root, 'blog/search_setup.py', 'dev.db');
    return { devIni: path.join(root, 'alembic.ini'), devDb: path.join(root, 'dev.db'), flags: [], models: 'blog/models.py', after: NOTE_BODY };
  },
};

async function main() {
  const [layout, dir] = process.argv.slice(2);
  if (!LAYOUTS[layout] || !dir) {
    console.error(`usage: node scripts/alembic-layouts.mjs ${Object.keys(LAYOUTS).join('|')} <dir>`);
    process.exit(2);
  }
  const root = path.resolve(dir);
  const info = path.join(root, 'project.json');
  if (await fs.pathExists(info)) return;
  const venv = await sharedVenv();
  await fs.ensureDir(root);
  await fs.ensureSymlink(venv, path.join(root, '.venv'), 'dir');
  const bin = (name) => path.join(root, '.venv', 'bin', name);
  const tool = (name) => (cwd, ...args) => {
    const options = typeof args.at(-1) === 'object' ? args.pop() : {};
    return execa(bin(name), args, { cwd, env: options.env });
  };
  const built = await LAYOUTS[layout](root, { alembic: tool('alembic'), python: tool('python') });
  await fs.writeFile(path.join(root, '.gitignore'), ['*.db', '__pycache__/', '.venv', ...(built.ignore ?? [])].join('\n') + '\n');
  const git = (...args) => execa('git', args, { cwd: root });
  await git('init', '-q');
  await git('add', '-A');
  await git('-c', 'user.name=devdb tests', '-c', 'user.email=devdb@example.com', 'commit', '-q', '-m', 'initial');
  await fs.writeJson(info, { layout, root, python: bin('python'), ...built, ignore: undefined }, { spaces: 2 });
  console.log(`alembic layout ${layout}: ${root} is ready`);
}

main().catch((error) => {
  console.error(`alembic layout: ${error.shortMessage ?? error.message}\n${error.stderr ?? ''}`);
  process.exit(1);
});
