import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigration } from '../../src/migration/script.js';
import { closeAlembicServers, runInProcess } from '../../src/python/alembic-server.js';

// devdb's Python files run on Python 2.7 (the gearbox-era Kallithea) as on Python 3:
// the migration reader gives the same answer, and the helper speaks its protocol.

const PYTHON27 = [path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'versions', '2.7.18', 'bin', 'python')].find((p) => fs.existsSync(p));
if (!PYTHON27) console.log('python27: no Python 2.7.18 under pyenv, so the Python 2.7 checks are not run');

const SCRIPT = `# -*- coding: utf-8 -*-
"""repos: add note \u00fc"""
revision = 'a1b2c3d4e5f6'
down_revision = 'a020f7044fd6'

from alembic import op
import sqlalchemy as sa


def upgrade():
    with op.batch_alter_table('repositories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Unicode(length=255), nullable=True, server_default=u'x'))
        batch_op.create_index(batch_op.f('ix_note'), ['note'], unique=False)
    op.alter_column('users', 'name', existing_type=sa.String(50), nullable=False)


def downgrade():
    with op.batch_alter_table('repositories') as batch_op:
        batch_op.drop_index(batch_op.f('ix_note'))
        batch_op.drop_column('note')
`;

afterAll(() => closeAlembicServers());

describe.skipIf(!PYTHON27)('on Python 2.7', () => {
  it('migration_ops.py reads a script exactly as on Python 3', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'devdb py27 ü-')), 'a1b2c3d4e5f6_note.py');
    fs.writeFileSync(file, SCRIPT);
    const python2 = await readMigration(PYTHON27 as string, file);
    expect(python2.syntaxError).toBeNull();
    expect(python2).toEqual(await readMigration('python3', file));
  });

  it("the helper says hello, runs a console script in-process with its output and exit code, and stays up after a failing one", async () => {
    const pip = { name: 'pip', path: path.join(path.dirname(PYTHON27 as string), 'pip') };
    const env = os.tmpdir();
    const version = await runInProcess(PYTHON27 as string, env, pip, ['--version'], []);
    expect(version.exitCode).toBe(0);
    expect(version.lines.join('\n')).toMatch(/^pip \S+ from .* \(python 2\.7\)$/m);
    const unknown = await runInProcess(PYTHON27 as string, env, pip, ['no-such-command'], []);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.lines.join('\n')).toContain('unknown command "no-such-command"');
    expect((await runInProcess(PYTHON27 as string, env, pip, ['--version'], [])).exitCode).toBe(0);
  });
});
