#!/usr/bin/env node
// Makes `npm test` and `npm run demo` work on a fresh clone: installs the locked
// dependencies (npm ci, which also builds dist/ through "prepare") when they are
// missing, and builds dist/ when it is older than src/ or its bundled dependencies
// older than package-lock.json. Node built-ins only: it
// runs before node_modules exists.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (...args) => execFileSync(npm, args, { cwd: root, stdio: 'inherit' });

const addon = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
if (!fs.existsSync(addon)) {
  console.log('devdb: installing dependencies (npm ci)…');
  run('ci');
}

const newest = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((max, entry) => Math.max(max, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0);
const cli = path.join(root, 'dist', 'cli.js');
const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
// The dependencies bundled into dist/node_modules (scripts/bundle-deps.mjs) are rebuilt when the lock file changed after them.
const bundled = path.join(root, 'dist', 'node_modules', 'execa', 'package.json');
if (mtime(cli) < newest(path.join(root, 'src')) || mtime(bundled) < mtime(path.join(root, 'package-lock.json'))) run('run', 'build');
