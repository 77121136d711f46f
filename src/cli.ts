#!/usr/bin/env node
// devdb's entry point. verify and cycle start devdb's helper first (src/early.ts), so that
// Python starts and imports Alembic while the command line (src/main.ts) and the command's
// modules load; a helper the command never used is stopped once the command line is done.
import { startHelperEarly } from './early.js';

const started = await startHelperEarly(process.argv.slice(2));
try {
  await import('./main.js');
} finally {
  if (started) (await import('./python/alembic-server.js')).closeAlembicServers();
}
