import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alembicProject, devdb, kallitheaTestbed, quotedTitle, tempDir, type AlembicProject } from '../support/devdb.js';

/** pyenv's Python 2.7.18, where these machines (and CI) have it. */
const PYTHON27 = [path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'versions', '2.7.18', 'bin', 'python')].find((p) => fs.existsSync(p));
if (!PYTHON27) console.log('no-hang: no Python 2.7.18 under pyenv, so the Python-version refusal is not tried');

// No devdb command waits forever on a child: a Python whose helper cannot start, a
// helper that dies in the middle of a command, and a migration that never ends under
// --timeout each finish in seconds with one sentence, and the lock is released.

/** A real Alembic project with a draft generated (not applied) whose upgrade() starts with `code`. */
async function draftDoing(code: string, python?: (project: AlembicProject) => string) {
  const project = await alembicProject();
  const run = (args: string[], env: Record<string, string> = {}) => devdb(args, { cwd: project.root, env });
  const init = await run(['init', '--yes', '--python', python?.(project) ?? project.python]);
  expect(init.exitCode, init.stderr).toBe(0);
  const models = path.join(project.root, 'app', 'models.py');
  fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    title = Column(String(80), nullable=True)\n'));
  const generated = await run(['cycle', '--json', '--no-apply', '-m', 'notes: add title']);
  expect(generated.exitCode, generated.stdout).toBe(0);
  const draft = path.join(project.root, JSON.parse(generated.stdout).migration);
  fs.writeFileSync(draft, fs.readFileSync(draft, 'utf8').replace(/def upgrade\(\)[^\n]*\n/, (line) => `${line}    import os, signal, time\n    ${code}\n`));
  return { project, run, lock: path.join(project.root, '.devdb', 'lock') };
}

describe('no devdb command hangs on a child process', () => {
  it('a Python whose helper crashes at start is one sentence naming it and its last line, exit 2', async () => {
    const project = await alembicProject();
    // The project's own Python, except that it refuses to run devdb's helper; alembic beside it, as in a virtualenv.
    const bin = tempDir('python');
    const python = path.join(bin, 'python');
    fs.writeFileSync(python, `#!/bin/sh\ncase "$1" in *alembic_server.py) echo "ImportError: this Python cannot run the helper" >&2; exit 3;; esac\nexec '${project.python}' "$@"\n`, { mode: 0o755 });
    fs.symlinkSync(path.join(path.dirname(project.python), 'alembic'), path.join(bin, 'alembic'));
    const init = await devdb(['init', '--yes', '--python', python], { cwd: project.root });
    expect(init.exitCode, init.stderr).toBe(0);
    const result = await devdb(['cycle', '-m', 'nothing'], { cwd: project.root });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(`The Python ${python} could not start devdb's helper (templates/alembic_server.py): it exited with code 3 (ImportError: this Python cannot run the helper)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(project.root, '.devdb', 'lock'))).toBe(false);

    // One that does not run at all is refused before anything starts.
    fs.writeFileSync(python, '#!/bin/sh\necho "Fatal Python error: boom" >&2\nexit 1\n');
    const broken = await devdb(['cycle', '-m', 'nothing'], { cwd: project.root });
    expect(broken.exitCode, broken.stderr).toBe(2);
    expect(broken.stderr).toContain(`The Python ${python} does not run (it exited with code 1: Fatal Python error: boom);`);
  });

  it.skipIf(!PYTHON27)('a Python the preset cannot work with is refused up front, in one sentence (Python 2.7 for Kallithea 0.7)', async () => {
    const tb = await kallitheaTestbed();
    const file = path.join(tb.root, 'devdb.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), python: PYTHON27 }, null, 2));
    const result = await devdb(['reset'], { cwd: tb.root, env: tb.env });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(`The project's Python ${PYTHON27} is Python 2.7, but Kallithea 0.6 and later (the kallithea preset) needs Python 3.6+;`);
  });

  it('a helper that dies mid-command (os._exit, SIGKILL) fails the step with the command it was running, exit 1, and the next run works', async () => {
    const { project, run, lock } = await draftDoing('os._exit(3)');
    const exited = await run(['verify']);
    expect(exited.exitCode, exited.stderr).toBe(1);
    expect(exited.stderr).toMatch(/devdb's helper \(.+\) died while running "alembic -c .+ upgrade head": it exited with code 3;/);
    expect(fs.existsSync(lock)).toBe(false);

    const draft = fs.readdirSync(path.join(project.root, 'migrations', 'versions')).find((f) => f.includes('notes_add_title')) as string;
    const file = path.join(project.root, 'migrations', 'versions', draft);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('os._exit(3)', 'os.kill(os.getpid(), signal.SIGKILL)'));
    const killed = await run(['verify', '--json']);
    expect(killed.exitCode, killed.stdout).toBe(1);
    expect(JSON.parse(killed.stdout).error.message).toMatch(/died while running "alembic -c .+ upgrade head": it was killed by SIGKILL;/);

    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('os.kill(os.getpid(), signal.SIGKILL)', 'pass'));
    const fixed = await run(['verify']);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
  });

  it('--timeout stops a migration that never ends as Ctrl-C does, naming the step, exit 1; without a TTY it says "still running" every 10 s', async () => {
    const { run, lock, project } = await draftDoing('time.sleep(600)');
    const result = await run(['verify', '--timeout', '12']);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toContain('still running (10 s)');
    expect(result.stderr).toMatch(new RegExp(`devdb: ${quotedTitle('upgrade')} did not finish within --timeout 12 s and was stopped: cleaned up: stopped the tool devdb had started; .*the development database is untouched\\.`));
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.existsSync(path.join(project.root, '.devdb', 'work'))).toBe(false);

    const json = await run(['verify', '--json'], { DEVDB_TIMEOUT: '3' });
    expect(json.exitCode, json.stdout).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, interrupted: true, signal: null, timeout: 3, step: 'upgrade' });
  });
});
