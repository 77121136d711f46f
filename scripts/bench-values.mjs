#!/usr/bin/env node
// The cost of value fingerprints (issue 13) on SQLite: one table of 100,000 rows and
// four columns, read as the round trip reads it at each of its four moments (before,
// upgrade, downgrade, upgrade again) and compared as the values step compares them.
//
//   npm run build && node scripts/bench-values.mjs
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fs from 'fs-extra';

const { readValues } = await import('../dist/engines/sqlite/values.js');
const { vanished } = await import('../dist/steps/shared/values.js');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devdb-bench-values-'));
const file = path.join(dir, 'bench.db');
const db = new Database(file);
db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, body VARCHAR(200), created DATETIME)');
const insert = db.prepare('INSERT INTO notes (id, user_id, body, created) VALUES (?, ?, ?, ?)');
db.transaction(() => {
  for (let i = 1; i <= 100_000; i++) insert.run(i, i % 50, i % 7 === 0 ? null : `note number ${i}, long enough that its fingerprint is a hash`, '2020-01-01 00:00:00');
})();
db.close();
const reads = [];
const totals = [];
for (let run = 0; run < 7; run++) {
  const start = performance.now();
  const taken = [];
  for (let moment = 0; moment < 4; moment++) {
    const read = performance.now();
    taken.push(readValues(file, ['notes']));
    reads.push(performance.now() - read);
  }
  vanished(taken[0], taken[1]);
  vanished(taken[0], taken[2]);
  vanished(taken[0], taken[3]);
  totals.push(performance.now() - start);
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)].toFixed(0);
console.log(`value fingerprints, 100,000 rows x 4 columns on SQLite: one read ${median(reads)} ms (median of ${reads.length}); a round trip's four reads and three comparisons ${median(totals)} ms (median of ${totals.length})`);
await fs.remove(dir);
