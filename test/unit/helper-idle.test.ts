import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAlembicServers, PYTHON_FILE, runInProcess, startEarly } from '../../src/python/alembic-server.js';

// A helper started early (warmed for Alembic) looks the alembic console script up while
// it waits for requests. In a Python without Alembic that lookup and the warm imports fail
// quietly, and the helper goes on serving: the request that needs Alembic says so itself.

afterAll(() => closeAlembicServers());

describe('a helper warmed for Alembic in a Python without it', () => {
  it('serves other requests, and the alembic request fails with its own sentence', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb helper idle ü-'));
    const script = path.join(dir, 'hello.py');
    fs.writeFileSync(script, 'import sys\nprint("hello from", sys.argv[1:])\n');
    await startEarly('python3', dir);
    const hello = await runInProcess('python3', dir, { name: PYTHON_FILE, path: script }, ['one'], []);
    expect(hello.exitCode).toBe(0);
    expect(hello.lines).toContain("hello from ['one']");
    const alembic = await runInProcess('python3', dir, { name: 'alembic', path: path.join(dir, 'alembic') }, ['heads'], []);
    expect(alembic.exitCode).toBe(1);
    expect(alembic.lines).toContain('error: alembic is not a console script of this Python environment');
    expect((await runInProcess('python3', dir, { name: PYTHON_FILE, path: script }, ['two'], [])).lines).toContain("hello from ['two']");
  });
});
