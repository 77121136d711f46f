import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed } from '../support/devdb.js';

// Whatever a migration prints -- from Python, a shell (os.system), a subprocess and its
// stderr, or C code writing to fd 1 and fd 2 -- is the tool's output: captured,
// redacted, never taken for devdb's protocol with its helper, which is on its own fd.

const NOISE = `    import ctypes, os, subprocess
    os.system('echo token $DEVDB_ADMIN_PASSWORD')
    subprocess.call(['sh', '-c', 'echo child token $DEVDB_ADMIN_PASSWORD; echo child err token $DEVDB_ADMIN_PASSWORD >&2'])
    ctypes.CDLL(None).write(1, b'{"exit": 0}\\n', 12)
    os.write(2, b'not json {\\n')
    print(u'printed \\u00fc')
`;

describe("a migration that writes to stdout and stderr on Kallithea", () => {
  it('is captured and redacted, never a crash, in progress and in --json; the lock is released', async () => {
    const tb = await kallitheaTestbed();
    const password = tb.env.DEVDB_ADMIN_PASSWORD as string;
    const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
    editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    note = Column(Unicode(255), nullable=True)');
    const generated = await run('cycle', '--json', '--no-apply', '-m', 'repos: add note');
    expect(generated.exitCode, generated.stdout).toBe(0);
    const draft = path.join(tb.root, JSON.parse(generated.stdout).migration);
    fs.writeFileSync(draft, fs.readFileSync(draft, 'utf8').replace(/def upgrade\(\)[^\n]*\n/, (line) => `${line}${NOISE}`));

    const verbose = await run('verify', '--verbose');
    expect(verbose.exitCode, verbose.stderr).toBe(0);
    for (const line of ['token ***', 'child token ***', 'child err token ***', '{"exit": 0}', 'not json {', 'printed ü']) expect(verbose.stdout).toContain(line);
    expect(verbose.stdout + verbose.stderr).not.toContain(password);

    const json = await run('verify', '--json');
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true });
    expect(json.stdout + json.stderr).not.toContain(password);
    expect(fs.existsSync(path.join(tb.root, '.devdb', 'lock'))).toBe(false);
  });
});
