import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { globFiles, hashFiles } from '../../src/cache/files.js';
import { toolVersions } from '../../src/cache/tools.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-cache-'));
const write = (file: string, text = ''): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

describe('the reset cache key inputs', () => {
  it("reads the tools' versions from dist-info names, also in folders .pth files add, without starting Python", async () => {
    const dir = tempDir();
    const venv = path.join(dir, 'venv');
    const site = path.join(venv, 'lib', 'python3.11', 'site-packages');
    const shared = path.join(dir, 'shared', 'site-packages');
    write(path.join(venv, 'pyvenv.cfg'), 'version = 3.11.7\n');
    write(path.join(venv, 'bin', 'python'));
    write(path.join(site, 'Kallithea-0.7.0.dist-info', 'METADATA'));
    write(path.join(site, 'deps.pth'), `# shared dependencies\nimport site; site.addsitedir("${shared}")\n`);
    write(path.join(shared, 'alembic-1.4.3.dist-info', 'METADATA'));
    write(path.join(shared, 'SQLAlchemy-1.3.24.dist-info', 'METADATA'));
    const facts = (await toolVersions(path.join(venv, 'bin', 'python'))).join('\n');
    expect(facts).toContain('version = 3.11.7');
    expect(facts).toContain('Kallithea-0.7.0.dist-info');
    expect(facts).toContain('alembic-1.4.3.dist-info');
    expect(facts).toContain('SQLAlchemy-1.3.24.dist-info');
    fs.renameSync(path.join(shared, 'alembic-1.4.3.dist-info'), path.join(shared, 'alembic-1.5.0.dist-info'));
    expect((await toolVersions(path.join(venv, 'bin', 'python'))).join('\n')).toContain('alembic-1.5.0.dist-info');
  });

  it('finds model files by glob, skipping virtualenvs, version control and caches', async () => {
    const root = tempDir();
    for (const file of ['app/models.py', 'app/models/user.py', 'other/models.py', 'venv/lib/models.py', '.git/models.py', 'app/__pycache__/models.py', 'app/views.py']) write(path.join(root, file));
    write(path.join(root, 'venv', 'pyvenv.cfg'));
    expect(await globFiles(root, ['**/models.py', '**/models/*.py'])).toEqual(['app/models.py', 'app/models/user.py', 'other/models.py']);
    expect(await globFiles(root, ['app/models.py', 'no/such.py'])).toEqual(['app/models.py']);
  });

  it("hashes files' names and bytes", async () => {
    const root = tempDir();
    write(path.join(root, 'a.py'), 'x = 1\n');
    const before = await hashFiles(root, ['a.py']);
    expect(await hashFiles(root, ['a.py'])).toBe(before);
    write(path.join(root, 'a.py'), 'x = 2\n');
    expect(await hashFiles(root, ['a.py'])).not.toBe(before);
    expect(await hashFiles(root, ['a.py', 'b.py'])).not.toBe(await hashFiles(root, ['a.py']));
  });
});
