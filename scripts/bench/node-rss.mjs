// Loaded by `npm run bench` into every Node process it times (NODE_OPTIONS=--import):
// appends the process's own peak RSS in KiB to the file DEVDB_BENCH_NODE_RSS names, so
// that devdb's Node is measured apart from the Python processes it starts.
import fs from 'node:fs';

process.on('exit', () => {
  if (process.env.DEVDB_BENCH_NODE_RSS) fs.appendFileSync(process.env.DEVDB_BENCH_NODE_RSS, `${process.resourceUsage().maxRSS}\n`);
});
