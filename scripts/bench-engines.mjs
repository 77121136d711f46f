#!/usr/bin/env node
// `devdb verify --engine all` against the sum of the three single-engine runs
// (`--engine sqlite`, `--engine postgres`, `--engine mysql`), on the small Alembic
// project (scripts/alembic-project.mjs) with one uncommitted migration adding a
// nullable column, PostgreSQL and MariaDB on 127.0.0.1 (user root, no password).
// Each round runs the four commands in turn, the order rotating from round to
// round; medians of the rounds. Prints, per engine and for all, the wall time, the
// CPU time of devdb and its tools (from /usr/bin/time; the servers' own work is not in
// it), how busy the whole machine's cores were meanwhile (/proc/stat: other users'
// work included) and where the time went (the slowest steps), then the ratio all /
// sum; a benchmark, not a test.
//
//   node scripts/bench-engines.mjs [--runs N]     (default 5 rounds after one warm-up)
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(REPO, 'dist', 'cli.js');
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const ENGINES = ['sqlite', 'postgres', 'mysql'];
const SERVERS = ['postgresql://root@127.0.0.1:5432/postgres', 'mysql://root@127.0.0.1:3306/'];
const TIME = '/usr/bin/time';

const cacheDir = () => process.env.DEVDB_TESTBED_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'devdb-testbed');

/** A Python that sees the project's packages plus the PostgreSQL and MariaDB drivers from the testbed's wheelhouse (as test/support/drivers.ts makes it). */
async function pythonWithDrivers(dir, python) {
  const wheelhouse = path.join(cacheDir(), 'wheelhouse');
  if (!(await fs.pathExists(wheelhouse)) || !(await fs.readdir(wheelhouse)).some((f) => f.startsWith('psycopg2_binary-'))) {
    throw new Error(`${wheelhouse} has no psycopg2-binary wheel yet: a Kallithea testbed (node scripts/testbed.mjs DIR) fills it`);
  }
  const venv = path.join(dir, 'venv');
  await execa('python3', ['-m', 'venv', '--without-pip', venv]);
  const withDrivers = path.join(venv, 'bin', 'python');
  const purelib = async (py) => (await execa(py, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])).stdout.trim();
  const site = await purelib(withDrivers);
  await fs.writeFile(path.join(site, 'devdb-shared.pth'), `${await purelib(python)}\n`);
  await execa(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-index', '--find-links', wheelhouse, '--target', site, 'psycopg2-binary', 'pymysql']);
  const script = `#!/bin/sh\nexec '${withDrivers}' -c 'import sys; from alembic.config import main; sys.argv[0] = "alembic"; sys.exit(main())' "$@"\n`;
  await fs.writeFile(path.join(venv, 'bin', 'alembic'), script, { mode: 0o755 });
  return withDrivers;
}

/** The small project, committed with devdb initialised for both servers, and an uncommitted migration 0002 for notes.label. */
async function project() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devdb-engines-bench-'));
  const root = path.join(dir, 'project');
  await execa('node', [path.join(REPO, 'scripts', 'alembic-project.mjs'), root]);
  const { python } = await fs.readJson(path.join(root, 'project.json'));
  const withDrivers = await pythonWithDrivers(dir, python);
  await execa('node', [CLI, 'init', '--yes', '--force', '--python', withDrivers, ...SERVERS.flatMap((url) => ['--server-url', url])], { cwd: root });
  const git = (...args) => execa('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: root });
  await git('add', '-A');
  await git('commit', '-q', '-m', 'devdb');
  const models = path.join(root, 'app', 'models.py');
  await fs.writeFile(models, (await fs.readFile(models, 'utf8')).replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    label = Column(String(20), nullable=True)\n'));
  await execa(path.join(path.dirname(python), 'alembic'), ['revision', '--autogenerate', '-m', 'notes: add label', '--rev-id', '0002'], { cwd: root });
  return { dir, root };
}

/** One `devdb verify --engine ENGINE --json`: wall and CPU seconds, and the steps' times per engine. */
async function verify(root, engine) {
  const timed = await fs.pathExists(TIME);
  const [file, args] = timed ? [TIME, ['-f', '%e %U %S', 'node', CLI]] : ['node', [CLI]];
  const before = await machineTicks();
  const started = performance.now();
  const result = await execa(file, [...args, 'verify', '--engine', engine, '--json'], { cwd: root, reject: false });
  const wall = (performance.now() - started) / 1000;
  const after = await machineTicks();
  const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
  const report = JSON.parse(result.stdout);
  if (!report.ok) throw new Error(`verify --engine ${engine} failed: ${result.stdout.slice(0, 2000)}`);
  const [, user, sys] = timed ? result.stderr.trim().split('\n').pop().split(' ').map(Number) : [0, Number.NaN, Number.NaN];
  const steps = (report.engines ?? [report]).flatMap((e) => e.steps.map((s) => ({ engine: e.engine ?? engine, id: s.id, ms: s.ms })));
  return { wall, cpu: user + sys, busy, steps };
}

/** The machine's CPU time so far, busy and in all, in clock ticks (Linux; zeros elsewhere). */
async function machineTicks() {
  const line = (await fs.readFile('/proc/stat', 'utf8').catch(() => 'cpu 0 0 0 0')).split('\n')[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (s) => `${s.toFixed(2)} s`;

/** The steps that took longest in the median run of a side, summed over its engines by id. */
function slowest(runs) {
  const byId = new Map();
  for (const run of runs) for (const step of run.steps) byId.set(`${step.engine} ${step.id}`, [...(byId.get(`${step.engine} ${step.id}`) ?? []), step.ms]);
  return [...byId.entries()]
    .map(([key, ms]) => [key, median(ms)])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([key, ms]) => `${key} ${(ms / 1000).toFixed(2)}`)
    .join(', ');
}

async function main() {
  const { dir, root } = await project();
  const sides = [...ENGINES, 'all'];
  const results = Object.fromEntries(sides.map((side) => [side, []]));
  for (const side of sides) await verify(root, side);
  for (let round = 0; round < RUNS; round += 1) {
    // The order rotates, so no side always runs first after the machine was idle.
    for (const side of [...sides.slice(round % sides.length), ...sides.slice(0, round % sides.length)]) results[side].push(await verify(root, side));
  }
  console.log('| run | wall time | CPU time (user + sys) | CPU / wall | machine busy | slowest steps (s) |');
  console.log('|---|---|---|---|---|---|');
  for (const side of sides) {
    const wall = median(results[side].map((r) => r.wall));
    const cpu = median(results[side].map((r) => r.cpu));
    const busy = median(results[side].map((r) => r.busy));
    console.log(`| \`--engine ${side}\` | ${seconds(wall)} | ${seconds(cpu)} | ${(cpu / wall).toFixed(2)} | ${Math.round(busy * 100)} % | ${slowest(results[side])} |`);
  }
  const sum = ENGINES.reduce((total, engine) => total + median(results[engine].map((r) => r.wall)), 0);
  const all = median(results.all.map((r) => r.wall));
  const perRound = median(results.all.map((r, i) => r.wall / ENGINES.reduce((total, engine) => total + results[engine][i].wall, 0)));
  const cpuSum = ENGINES.reduce((total, engine) => total + median(results[engine].map((r) => r.cpu)), 0);
  console.log(`\nsum of the single-engine medians ${seconds(sum)} (CPU ${seconds(cpuSum)}); --engine all ${seconds(all)}: ratio ${(all / sum).toFixed(2)} (median of the rounds' ratios ${perRound.toFixed(2)}; goal ≤ 0.60)`);
  console.log(`(${RUNS} rounds after a warm-up; ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end)`);
  await fs.remove(dir);
}

main().catch((error) => {
  console.error(`bench-engines: ${error.message}`);
  process.exit(1);
});
