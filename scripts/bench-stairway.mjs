#!/usr/bin/env node
// The cost of `devdb verify --all` per revision: chains of 5, 20 and 80 revisions on
// the small Alembic project (scripts/alembic-project.mjs), each revision after the
// first adding one nullable column to notes (and its downgrade dropping it), the
// models matching the head. Medians of 3 runs per chain on SQLite.
//
//   node scripts/bench-stairway.mjs [5 20 80]
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';
import { addChain } from './bench/chain.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(REPO, 'dist', 'cli.js');
const RUNS = 3;

/** The small project with a chain of `length` revisions, committed, devdb initialised. */
async function chainOf(length) {
  const root = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'devdb-stairway-bench-')), 'project');
  await execa('node', [path.join(REPO, 'scripts', 'alembic-project.mjs'), root]);
  const { python } = await fs.readJson(path.join(root, 'project.json'));
  await addChain(root, length);
  await execa('node', [CLI, 'init', '--yes', '--python', python], { cwd: root });
  const git = (...args) => execa('git', args, { cwd: root });
  await git('add', '-A');
  await git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', `a chain of ${length}`);
  return root;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const lengths = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows = [];
  for (const length of lengths.length > 0 ? lengths : [5, 20, 80]) {
    const root = await chainOf(length);
    const walls = [];
    const perStair = [];
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      const result = await execa('node', [CLI, 'verify', '--all', '--json'], { cwd: root, reject: false });
      walls.push(performance.now() - started);
      const report = JSON.parse(result.stdout);
      if (!report.ok) throw new Error(`verify --all failed on the chain of ${length}: ${report.error?.message}`);
      const stairs = report.stairway;
      perStair.push(stairs.reduce((sum, s) => sum + s.ms, 0) / stairs.length);
      const find = report.steps.filter((s) => s.group.startsWith('Find')).reduce((sum, s) => sum + s.ms, 0);
      rows.push({ length, run, find });
    }
    const wall = median(walls);
    const stair = median(perStair);
    const find = median(rows.filter((r) => r.length === length).map((r) => r.find));
    console.log(`| ${length} | ${(wall / 1000).toFixed(2)} s | ${(find / 1000).toFixed(2)} s | ${Math.round(stair)} ms | ${Math.round(wall / length)} ms |`);
    await fs.remove(path.dirname(root));
  }
  console.log(`(${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end)`);
}

main().catch((error) => {
  console.error(`bench-stairway: ${error.message}`);
  process.exit(1);
});
