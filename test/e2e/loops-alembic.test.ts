import fs from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { closeAlembicServers, runInProcess } from '../../src/python/alembic-server.js';
import { alembicProject, devdb } from '../support/devdb.js';

type Report = { ok: boolean; steps: { id: string; title: string; status: string; group: string }[] };

/** Without a TTY, each group's line comes before its steps' lines, and its ✔ after them; the titles are the report's own. */
function expectNested(stdout: string, report: Report): void {
  const lines = stdout.split('\n');
  const at = (line: string): number => lines.indexOf(line);
  for (const group of new Set(report.steps.map((s) => s.group))) {
    const steps = report.steps.filter((s) => s.group === group);
    const opened = at(`❯ ${group}`);
    const closed = lines.findIndex((line) => line.startsWith(`✔ ${group} [`));
    expect(opened, `❯ ${group} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    for (const s of steps) {
      expect(at(`❯ ${s.title}`), `${s.id} inside ${group}:\n${stdout}`).toBeGreaterThan(opened);
      expect(at(`❯ ${s.title}`), `${s.id} before ${group} ends:\n${stdout}`).toBeLessThan(closed);
    }
  }
}

describe('the loops as one list of groups, as plain lines (no TTY) and as JSON', () => {
  it('reset and verify print each group before its steps; with --json, reset, cycle and verify print nothing but the report, whose steps name their group', async () => {
    const project = await alembicProject();
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);

    const resetJson = await run('reset', '--no-cache', '--json');
    expect(resetJson.exitCode, resetJson.stderr).toBe(0);
    const resetReport = JSON.parse(resetJson.stdout) as Report;
    expect(resetReport.steps.map((s) => s.id)).toEqual(['make-config', 'point-db', 'drop-db', 'setup-db']);
    expect(new Set(resetReport.steps.map((s) => s.group)).size).toBe(2);
    const reset = await run('reset', '--no-cache');
    expect(reset.exitCode, reset.stderr).toBe(0);
    expectNested(reset.stdout, resetReport);

    const models = path.join(project.root, 'app', 'models.py');
    fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    title = Column(String(80), nullable=True)\n'));
    const cycle = await run('cycle', '--no-apply', '--json', '-m', 'notes: add title');
    expect(cycle.exitCode, cycle.stderr).toBe(0);
    const cycleReport = JSON.parse(cycle.stdout) as Report;
    expect(cycleReport.steps.map((s) => s.id)).toEqual(['replace-draft', 'preflight', 'make-config', 'point-db', 'base-db', 'drop-db', 'model-db', 'autogenerate', 'lint', 'seed-rows', 'upgrade', 'downgrade', 'reupgrade', 'rows', 'values']);
    expect(new Set(cycleReport.steps.map((s) => s.group)).size).toBe(2);
    const verifyJson = await run('verify', '--json');
    expect(verifyJson.exitCode, verifyJson.stderr).toBe(0);
    const verifyReport = JSON.parse(verifyJson.stdout) as Report;
    expect(verifyReport.steps.map((s) => s.id)).toEqual(['find-newest', 'make-config', 'point-db', 'base-db', 'drop-db', 'model-db', 'lint', 'seed-rows', 'upgrade', 'downgrade', 'reupgrade', 'rows', 'values']);
    const verify = await run('verify');
    expect(verify.exitCode, verify.stderr).toBe(0);
    expectNested(verify.stdout, verifyReport);
  });
});

/** The pids of devdb's helpers running in `root` (their working folder is in it). */
function helpersIn(root: string): string[] {
  const cwd = (pid: string): string => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      return '';
    }
  };
  const found = execaSync('pgrep', ['-f', 'alembic_server.py'], { reject: false });
  return String(found.stdout).split('\n').filter((pid) => pid && cwd(pid).startsWith(root));
}

describe("the helper's exit", () => {
  it("runs the exit handlers the project's env.py registers, and is gone when devdb is (it skips only the interpreter's teardown)", async () => {
    const project = await alembicProject();
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
    const marker = path.join(project.root, 'exit handlers ran');
    const envPy = path.join(project.root, 'migrations', 'env.py');
    fs.appendFileSync(envPy, `\nimport atexit\natexit.register(lambda: open(${JSON.stringify(marker)}, "a").write("ran\\n"))\n`);
    const reset = await run('reset', '--no-cache');
    expect(reset.exitCode, reset.stderr).toBe(0);
    expect(fs.readFileSync(marker, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(0);
    expect(helpersIn(project.root)).toEqual([]);
  });

  it('verify starts the helper before it reads the project; when the project or the command line is wrong, the helper that got no request is gone with devdb', async () => {
    const project = await alembicProject();
    const run = (...args: string[]) => devdb(args, { cwd: project.root });
    expect((await run('init', '--yes', '--python', project.python)).exitCode).toBe(0);
    const config = path.join(project.root, 'devdb.json');
    fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(fs.readFileSync(config, 'utf8')), devIni: 'no-such.ini' }));
    const verify = await run('verify');
    expect(verify.exitCode).toBe(2);
    expect(verify.stderr).toContain('The development INI');
    expect(helpersIn(project.root)).toEqual([]);
    fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(fs.readFileSync(config, 'utf8')), devIni: 'alembic.ini' }));
    // The helper starts before the command line is parsed: a wrong option still ends the run, and the helper with it.
    const wrong = await run('verify', '--no-such-option');
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("unknown option '--no-such-option'");
    expect(helpersIn(project.root)).toEqual([]);
  });
});

describe('the helper across the commands of one run', () => {
  it("reuses Alembic's parser for different commands and after a bad one, and runs a revision edited between two commands as edited (same size, same mtime)", async () => {
    const project = await alembicProject();
    const alembic = { name: 'alembic', path: path.join(path.dirname(project.python), 'alembic') };
    const run = async (...args: string[]) => runInProcess(project.python, project.root, alembic, ['-c', project.devIni, ...args], []);
    try {
      const revision = path.join(project.root, 'migrations', 'versions', '0001_initial_tables.py');
      const original = fs.readFileSync(revision, 'utf8');
      const stamp = fs.statSync(revision);
      const saying = (word: string) => {
        fs.writeFileSync(revision, `print("devdb-compiled-${word}")\n${original}`);
        fs.utimesSync(revision, stamp.atime, stamp.mtime);
      };
      saying('first');
      const first = await run('history');
      expect(first.exitCode, first.lines.join('\n')).toBe(0);
      expect(first.lines).toContain('devdb-compiled-first');
      expect((await run('no-such-command')).exitCode).toBe(2);
      saying('other');
      const again = await run('heads');
      expect(again.exitCode, again.lines.join('\n')).toBe(0);
      expect(again.lines).toContain('devdb-compiled-other');
      expect(again.lines.join('\n')).toContain('0001 (head)');
      expect(again.lines).not.toContain('devdb-compiled-first');
    } finally {
      closeAlembicServers();
    }
  });
});
