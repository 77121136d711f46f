import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, starts, type DevdbRun, type Testbed } from '../support/devdb.js';
import { stopAt } from '../support/faults.js';

// The admin password appears nowhere devdb writes: stdout, stderr, --json, --verbose,
// --debug, failures, interruptions, logs, snapshot metadata, state, the INIs, and
// devdb.json — unless the user chose --store-password, and then only there.

const PASSWORD = "Zq9 s3cr'et-ü-7731";
let tb: Testbed & { env: Record<string, string> };
const outputs: { args: string; text: string }[] = [];

async function run(args: string[], env: Record<string, string> = {}): Promise<DevdbRun> {
  const result = await devdb(args, { cwd: tb.root, env: { DEVDB_ADMIN_PASSWORD: PASSWORD, ...env } });
  outputs.push({ args: args.join(' '), text: result.stdout + result.stderr });
  return result;
}

/** Every file under `dir` whose bytes hold `secret` (binary files too), except those `skip` names. */
function filesHolding(dir: string, secret: string, skip: (file: string) => boolean = () => false): string[] {
  const needle = Buffer.from(secret, 'utf8');
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && !skip(full) && fs.readFileSync(full).includes(needle)) found.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return found;
}

beforeAll(async () => {
  tb = await kallitheaTestbed();
  fs.rmSync(path.join(tb.root, 'devdb.json'));
});

describe('the admin password', () => {
  it('appears in no output and no file of any command', async () => {
    expect((await run(['init', '--yes', '--repos', tb.repos])).exitCode).toBe(0);
    expect((await run(['reset', '--dry-run'])).exitCode).toBe(0);
    expect((await run(['reset', '--verbose'])).exitCode).toBe(0);
    expect((await run(['reset', '--json', '--verbose', '--sql-log', 'on'])).exitCode).toBe(0);
    expect((await run(['reset', '--debug', '--sql-log', 'off'])).exitCode).toBe(0);
    editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    note = Column(Unicode(255), nullable=True)');
    expect((await run(['cycle', '--dry-run', '-m', 'repositories: add note'])).exitCode).toBe(0);
    expect((await run(['cycle', '--verbose', '-m', 'repositories: add note'])).exitCode).toBe(0);
    expect((await run(['cycle', '--json', '--verbose', '-m', 'repositories: add note'])).exitCode).toBe(0);
    expect((await run(['verify', '--json', '--verbose', '--debug'])).exitCode).toBe(0);
    expect((await run(['snapshot', 'list', '--json'])).exitCode).toBe(0);
    expect((await run(['snapshot', 'restore', 'latest', '--json'])).exitCode).toBe(0);
    expect((await run(['hook', 'install', '--verify'])).exitCode).toBe(0);
    expect((await run(['hook', 'status', '--json'])).exitCode).toBe(0);
    execFileSync('git', ['add', 'kallithea/model/db.py'], { cwd: tb.root });
    expect((await run(['check', '--json', '--verbose'])).exitCode).toBe(1); // the staged model change comes without its migration
    execFileSync('git', ['reset', '-q'], { cwd: tb.root });
    expect((await run(['hook', 'uninstall'])).exitCode).toBe(0);
    // Failing runs: setup-db fails (its folder is missing), with --debug and --verbose; a tool's traceback.
    const config = path.join(tb.root, 'devdb.json');
    const json = fs.readFileSync(config, 'utf8');
    fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(json), throwawayDb: 'missing-folder/temp.db' }));
    expect((await run(['reset', '--debug', '--verbose'])).exitCode).toBe(1);
    expect((await run(['reset', '--json', '--debug'])).exitCode).toBe(1);
    fs.writeFileSync(config, json);
    const broken = path.join(tb.root, 'kallithea', 'alembic', 'versions', 'cccccccccccc_broken.py');
    fs.writeFileSync(broken, 'def upgrade(:\n');
    expect((await run(['verify', '--verbose', '--debug'])).exitCode).toBe(1);
    fs.rmSync(broken);
    // Interrupted runs.
    const stopped = await stopAt(['reset', '--verbose'], { at: starts('setup-db'), delayMs: 600 }, 'SIGINT', { cwd: tb.root, env: { DEVDB_ADMIN_PASSWORD: PASSWORD } });
    expect(stopped.exitCode).toBe(130);
    outputs.push({ args: 'reset (interrupted)', text: stopped.output });

    for (const { args, text } of outputs) expect(text.includes(PASSWORD), `devdb ${args} printed the password`).toBe(false);
    expect(filesHolding(tb.root, PASSWORD)).toEqual([]);
    expect(filesHolding(tb.repos, PASSWORD)).toEqual([]);
  });

  it('with --store-password it is in devdb.json, and nowhere else', async () => {
    expect((await run(['init', '--yes', '--force', '--store-password', '--repos', tb.repos])).exitCode).toBe(0);
    const config = path.join(tb.root, 'devdb.json');
    expect(fs.readFileSync(config, 'utf8')).toContain(JSON.stringify(PASSWORD).slice(1, -1));
    const stored = await devdb(['reset', '--json', '--verbose'], { cwd: tb.root, env: { DEVDB_ADMIN_PASSWORD: '' } });
    expect(stored.exitCode, stored.stderr).toBe(0);
    expect(stored.stdout + stored.stderr).not.toContain(PASSWORD);
    expect(filesHolding(tb.root, PASSWORD, (file) => file === config)).toEqual([]);
  });
});
