#!/usr/bin/env node
// devdb against the documented loop by hand, on one fresh Kallithea testbed with
// the same model change (a nullable column), alternating the two sides.
//
//   npm run bench [-- --runs N]      (default 5 measured pairs after one warm-up)
//
// Prints wall-time medians, the ratio devdb/manual and peak memory (max RSS of
// the process tree, from /usr/bin/time), and writes docs/benchmarks.md.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const cli = path.join(repo, 'dist', 'cli.js');

/** Runs argv under /usr/bin/time; returns seconds and peak RSS in MiB. */
async function timed(argv, options) {
  const started = performance.now();
  const result = await execa('/usr/bin/time', ['-f', '%M', ...argv], { ...options, reject: false });
  const seconds = (performance.now() - started) / 1000;
  if (result.exitCode !== 0) throw new Error(`bench: ${argv.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const kib = Number(result.stderr.trim().split('\n').pop());
  return { seconds, mib: kib / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'devdb-bench-')), 'testbed');
  await execa('node', [path.join(repo, 'scripts', 'testbed.mjs'), '--quiet', dir], { stdio: 'inherit' });
  const tb = await fs.readJson(path.join(dir, 'testbed.json'));
  const env = { DEVDB_ADMIN_PASSWORD: tb.adminPassword, NO_COLOR: '1' };
  const opts = { cwd: tb.root, env };
  await execa('node', [cli, 'init', '--yes', '--repos', tb.repos], opts);
  await execa('node', [cli, 'reset'], opts);
  const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
  const anchor = '    repo_name = Column(Unicode(255), nullable=False, unique=True)\n';
  await fs.writeFile(dbPy, (await fs.readFile(dbPy, 'utf8')).replace(anchor, `${anchor}    bench_note = Column(Unicode(255), nullable=True)\n`));
  const pristine = path.join(dir, 'kallithea.db.pristine');
  await fs.copy(tb.devDb, pristine);
  const versions = path.join(tb.root, 'kallithea', 'alembic', 'versions');
  const original = new Set(await fs.readdir(versions));
  // Both sides start from the same state: the development database before the change, no draft.
  const restore = async () => {
    for (const f of await fs.readdir(versions)) if (!original.has(f) && f.endsWith('.py')) await fs.remove(path.join(versions, f));
    await fs.copy(pristine, tb.devDb, { overwrite: true });
    // The manual side's temp.db is not devdb's, and devdb rightly refuses to delete it.
    await fs.remove(path.join(tb.root, 'temp.db'));
  };
  const manual = () => timed(['bash', path.join(repo, 'scripts', 'bench', 'manual.sh'), tb.root, tb.bin, tb.repos, tb.adminPassword], opts);
  const devdb = async () => {
    const reset = await timed(['node', cli, 'reset'], opts);
    const cycle = await timed(['node', cli, 'cycle', '--no-apply', '-m', 'bench: add note'], opts);
    const verify = await timed(['node', cli, 'verify'], opts);
    return { reset, cycle, verify, seconds: reset.seconds + cycle.seconds + verify.seconds, mib: Math.max(reset.mib, cycle.mib, verify.mib) };
  };
  const samples = { manual: [], devdb: [] };
  for (let i = 0; i <= runs; i += 1) {
    const order = i % 2 === 0 ? ['manual', 'devdb'] : ['devdb', 'manual'];
    for (const side of order) {
      await restore();
      const sample = side === 'manual' ? await manual() : await devdb();
      if (i > 0) samples[side].push(sample);
      process.stdout.write(`bench: ${i === 0 ? 'warm-up' : `run ${i}/${runs}`} ${side} ${sample.seconds.toFixed(2)} s\n`);
    }
  }
  const m = (side, pick) => median(samples[side].map(pick));
  const manualS = m('manual', (s) => s.seconds);
  const rows = [
    ['manual loop (rm, db-create, repo-scan, autogenerate, upgrade, downgrade, upgrade)', manualS, 1, m('manual', (s) => s.mib)],
    ['devdb reset + cycle --no-apply + verify', m('devdb', (s) => s.seconds), m('devdb', (s) => s.seconds) / manualS, m('devdb', (s) => s.mib)],
    ['  devdb reset', m('devdb', (s) => s.reset.seconds), m('devdb', (s) => s.reset.seconds) / manualS, m('devdb', (s) => s.reset.mib)],
    ['  devdb cycle --no-apply', m('devdb', (s) => s.cycle.seconds), m('devdb', (s) => s.cycle.seconds) / manualS, m('devdb', (s) => s.cycle.mib)],
    ['  devdb verify', m('devdb', (s) => s.verify.seconds), m('devdb', (s) => s.verify.seconds) / manualS, m('devdb', (s) => s.verify.mib)],
  ];
  const help = median(await Promise.all([0, 1, 2, 3, 4].map(async () => (await timed(['node', cli, '--help'], opts)).seconds)));
  const table = [
    '| what | median wall time | ratio to manual | peak RSS |',
    '|---|---|---|---|',
    ...rows.map(([what, s, ratio, mib]) => `| ${what} | ${s.toFixed(2)} s | ${ratio === null ? '' : `${ratio.toFixed(2)}×`} | ${mib.toFixed(0)} MiB |`),
    `| devdb --help | ${(help * 1000).toFixed(0)} ms | | |`,
  ].join('\n');
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const doc = `# Benchmarks\n\nFrom \`npm run bench\` (${runs} alternating pairs after a warm-up, medians) on ${new Date().toISOString().slice(0, 10)}, ${machine}.\nThe manual side is \`scripts/bench/manual.sh\`, the documented sequence typed by hand; devdb checks far more in the same loop (preflight, a model database, three schema comparisons, lint, row counts).\n\nEvery devdb row is compared with the whole manual loop. The manual loop proves nothing by itself (no comparison with the models, no data, no lint) and upgrades the development database in place; devdb does all of that on copies. Most of each side's time is Python starting and importing Kallithea (about 0.55 s per \`alembic\` call, 0.8–1.2 s per \`kallithea-cli\` call).\n\n${table}\n`;
  await fs.writeFile(path.join(repo, 'docs', 'benchmarks.md'), doc);
  console.log(`\n${table}\n\nbench: wrote docs/benchmarks.md`);
  await fs.remove(path.dirname(dir));
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
