#!/usr/bin/env node
// The cost per row (issue 17): `devdb cycle --no-apply` on the small Alembic project
// (scripts/alembic-project.mjs) when the development database's notes table, the table
// the migration touches (a nullable column added), holds 0, 10,000 and 100,000 rows.
// The round trip copies those rows, seeds its own, counts them and fingerprints their
// values at each of its moments. Alternating the sizes, medians of 5 runs each.
//
//   npm run build && node scripts/bench-rows.mjs [0 10000 100000]
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import fs from 'fs-extra';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(REPO, 'dist', 'cli.js');
const RUNS = 5;
const sizes = process.argv.slice(2).map(Number).filter((n) => n >= 0);

const root = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'devdb-rows-bench-')), 'project');
await execa('node', [path.join(REPO, 'scripts', 'alembic-project.mjs'), root]);
const { python, devDb } = await fs.readJson(path.join(root, 'project.json'));
await execa('node', [CLI, 'init', '--yes', '--python', python], { cwd: root });
await execa('git', ['add', '-A'], { cwd: root });
await execa('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'start'], { cwd: root });
const models = path.join(root, 'app', 'models.py');
const original = await fs.readFile(models, 'utf8');
await fs.writeFile(models, original.replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    bench_note = Column(String(40), nullable=True)\n'));
const versions = path.join(root, 'migrations', 'versions');
const shipped = new Set(await fs.readdir(versions));

/** A copy of the development database whose notes table holds `rows` rows. */
async function devDbWith(rows) {
  const file = path.join(path.dirname(root), `dev-${rows}.db`);
  await fs.copy(devDb, file);
  const db = new Database(file);
  db.exec("INSERT OR IGNORE INTO users (id, name) VALUES (1, 'bench')");
  const insert = db.prepare('INSERT INTO notes (user_id, body) VALUES (1, ?)');
  db.transaction(() => {
    for (let i = 1; i <= rows; i += 1) insert.run(i % 7 === 0 ? null : `note number ${i}, as long as a sentence somebody wrote`);
  })();
  db.close();
  return file;
}

const copies = new Map();
for (const rows of sizes.length > 0 ? sizes : [0, 10_000, 100_000]) copies.set(rows, await devDbWith(rows));
const times = new Map([...copies.keys()].map((rows) => [rows, []]));
for (let run = 0; run <= RUNS; run += 1) {
  const order = run % 2 === 0 ? [...copies.keys()] : [...copies.keys()].reverse();
  for (const rows of order) {
    for (const f of await fs.readdir(versions)) if (!shipped.has(f) && f.endsWith('.py')) await fs.remove(path.join(versions, f));
    await fs.copy(copies.get(rows), devDb, { overwrite: true });
    const started = performance.now();
    const result = await execa('node', [CLI, 'cycle', '--no-apply', '-m', 'notes: add bench_note', '--json'], { cwd: root, reject: false });
    const ms = performance.now() - started;
    const report = JSON.parse(result.stdout);
    if (!report.ok) throw new Error(`cycle --no-apply failed with ${rows} rows: ${report.error?.message}`);
    if (run > 0) times.get(rows).push(ms);
    process.stdout.write(`bench-rows: ${rows} rows, ${run === 0 ? 'warm-up' : `run ${run}/${RUNS}`}: ${(ms / 1000).toFixed(2)} s\n`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.get([...copies.keys()][0]));
console.log(`\n| rows in notes | cycle --no-apply | added by the rows |\n|---|---|---|`);
for (const [rows, list] of times) console.log(`| ${rows.toLocaleString('en')} | ${(median(list) / 1000).toFixed(2)} s | ${rows === [...copies.keys()][0] ? '' : `+${((median(list) - base) / 1000).toFixed(2)} s`} |`);
console.log(`\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end`);
await fs.remove(path.dirname(root));
