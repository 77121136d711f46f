import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alembicProject, CLI, devdb, type AlembicProject } from '../support/devdb.js';

/** A real terminal (tmux) running `devdb init`, driven key by key as a person would. */
class Terminal {
  private static count = 0;
  readonly name = `devdb-wizard-${process.pid}-${++Terminal.count}`;

  /** Starts `devdb init` in a 200×50 terminal in `cwd`; the shell prints EXIT=<code> when it ends. */
  async open(cwd: string, env: Record<string, string>): Promise<this> {
    const vars = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    await execa('tmux', ['new-session', '-d', '-s', this.name, '-x', '200', '-y', '50', '-c', cwd, ...vars, `node "${CLI}" init; echo EXIT=$?; sleep 600`]);
    return this;
  }

  async screen(): Promise<string> {
    return (await execa('tmux', ['capture-pane', '-p', '-J', '-t', this.name])).stdout;
  }

  /** Waits until the screen shows `text`, and returns the screen. */
  async waitFor(text: string, timeout = 30_000): Promise<string> {
    const end = Date.now() + timeout;
    for (;;) {
      const screen = await this.screen();
      if (screen.includes(text)) return screen;
      if (Date.now() > end) throw new Error(`the terminal never showed ${JSON.stringify(text)}; it shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async keys(...keys: string[]): Promise<void> {
    await execa('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Waits for a question, then types the answer (nothing: accepts the default) and Enter. */
  async answer(question: string, text = ''): Promise<void> {
    await this.waitFor(`? ${question}`);
    await this.keys(...(text ? ['-l', text] : []));
    await this.keys('Enter');
  }

  async close(): Promise<void> {
    await execa('tmux', ['kill-session', '-t', this.name], { reject: false });
  }
}

describe('devdb init as an interactive wizard, in a real terminal', () => {
  let project: AlembicProject;
  let terminal: Terminal;
  const config = () => JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.json'), 'utf8'));
  const gitignore = () => fs.readFileSync(path.join(project.root, '.gitignore'), 'utf8');
  // An activated virtualenv, as a person has in the shell they run devdb from.
  const start = () => terminal.open(project.root, { VIRTUAL_ENV: path.dirname(path.dirname(project.python)), NO_COLOR: '1' });

  beforeEach(async () => {
    project = await alembicProject();
    terminal = new Terminal();
  });

  afterEach(async () => {
    await terminal.close();
  });

  it('a first run accepting every default writes the detected settings, ignores the throwaway files and runs the first reset', async () => {
    await start();
    const screen = await terminal.waitFor('? Preset');
    expect(screen).toContain(`Detected: git checkout at ${project.root}; preset alembic`);
    await terminal.answer('Preset');
    await terminal.answer("The project's Python (with alembic)");
    await terminal.answer('Development INI');
    expect(await terminal.waitFor('Development database: dev.db.')).toContain('Throwaway databases on sqlite');
    await terminal.answer('Throwaway INI');
    await terminal.answer('Throwaway database');
    expect(await terminal.waitFor('? Write devdb.json?')).toMatch(/throwaway database\s+temp\.db/);
    await terminal.answer('Write devdb.json?');
    expect(await terminal.waitFor('Added to .gitignore: temp.ini, temp.*.ini, temp.db, .devdb/, devdb.local.json.')).toContain('devdb init: wrote devdb.json (preset alembic');
    await terminal.answer('Install the hooks (devdb check before every commit; the database follows checkouts)?');
    await terminal.answer('Run the first "devdb reset" now?');
    expect(await terminal.waitFor('EXIT=0', 60_000)).toContain('devdb reset: throwaway database temp.db rebuilt');
    // The shared virtualenv is outside the repository: one user's path, in the ignored per-user file.
    expect(JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.local.json'), 'utf8'))).toEqual({ python: project.python });
    expect(config()).toEqual({
      preset: 'alembic',
      devIni: 'alembic.ini',
      throwawayIni: 'temp.ini',
      throwawayDb: 'temp.db',
      admin: { user: 'admin', email: 'admin@example.com' },
      repos: '.devdb/repos',
      publicAccess: false,
    });
    expect(gitignore()).toBe('*.db\n__pycache__/\ntemp.ini\ntemp.*.ini\ntemp.db\n.devdb/\ndevdb.local.json\n');
    expect(fs.existsSync(path.join(project.root, 'temp.db'))).toBe(true);
    expect(fs.readFileSync(path.join(project.root, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('check');
  });

  it('a wrong answer is asked again with the reason: a Python that does not exist, the development database as the throwaway', async () => {
    await start();
    await terminal.answer('Preset');
    await terminal.answer("The project's Python (with alembic)", '/no/such/python');
    await terminal.waitFor('/no/such/python does not exist or is not executable; give the project\'s Python');
    await terminal.keys('C-u');
    await terminal.answer("The project's Python (with alembic)", project.python);
    await terminal.answer('Development INI');
    await terminal.answer('Throwaway INI');
    await terminal.answer('Throwaway database', 'dev.db');
    await terminal.waitFor('dev.db is the development database dev.db; give the throwaway its own file, such as temp.db.');
    await terminal.keys('C-u');
    await terminal.answer('Throwaway database', 'scratch.db');
    await terminal.answer('Write devdb.json?');
    await terminal.answer('Install the hooks (devdb check before every commit; the database follows checkouts)?', 'n');
    await terminal.answer('Run the first "devdb reset" now?', 'n');
    expect(await terminal.waitFor('EXIT=0')).toContain('Run "devdb reset" to build the throwaway database.');
    expect(config()).toMatchObject({ throwawayDb: 'scratch.db' });
    expect(JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.local.json'), 'utf8'))).toEqual({ python: project.python });
    expect(fs.existsSync(path.join(project.root, 'scratch.db'))).toBe(false);
  });

  it('Ctrl-C half-way leaves no file behind and exits 130', async () => {
    const before = gitignore();
    await start();
    await terminal.answer('Preset');
    await terminal.answer("The project's Python (with alembic)");
    await terminal.answer('Development INI');
    await terminal.waitFor('? Throwaway INI');
    await terminal.keys('C-c');
    expect(await terminal.waitFor('EXIT=130')).toContain('devdb init: cancelled; nothing was written.');
    expect(fs.existsSync(path.join(project.root, 'devdb.json'))).toBe(false);
    expect(fs.existsSync(path.join(project.root, '.devdb'))).toBe(false);
    expect(gitignore()).toBe(before);
  });

  it('an existing devdb.json is edited: its values are the defaults, and only the changed one changes', async () => {
    const init = await devdb(['init', '--yes', '--python', project.python, '--throwaway-db', 'mine.db'], { cwd: project.root });
    expect(init.exitCode, init.stderr).toBe(0);
    const before = config();
    await start();
    await terminal.answer('devdb.json exists; edit it (its values are the defaults)?');
    await terminal.answer('Preset');
    expect(await terminal.waitFor("? The project's Python (with alembic)")).toContain(`(${project.python})`);
    await terminal.answer("The project's Python (with alembic)");
    await terminal.answer('Development INI');
    await terminal.answer('Throwaway INI', 'scratch.ini');
    expect(await terminal.waitFor('? Throwaway database')).toContain('(mine.db)');
    await terminal.answer('Throwaway database');
    await terminal.answer('Write devdb.json?');
    await terminal.answer('Install the hooks (devdb check before every commit; the database follows checkouts)?', 'n');
    await terminal.answer('Run the first "devdb reset" now?', 'n');
    await terminal.waitFor('EXIT=0');
    expect(config()).toEqual({ ...before, throwawayIni: 'scratch.ini' });
    expect(gitignore()).toContain('scratch.ini\nscratch.*.ini\n');
  });

  it('without a terminal, devdb init refuses in one line that points at --yes', async () => {
    const result = await devdb(['init'], { cwd: project.root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('run "devdb init --yes"');
    expect(fs.existsSync(path.join(project.root, 'devdb.json'))).toBe(false);
  });
});
