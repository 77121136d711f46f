#!/usr/bin/env node
// npm run testbed -- <dir>: builds a real Kallithea 0.7.0 development setup at <dir>.
// The work is in scripts/testbed/lib.mjs; docs/testbed.md describes it.
import { main } from './testbed/lib.mjs';

process.exitCode = await main(process.argv.slice(2));
