#!/usr/bin/env node
// The README's first quick-start command: devdb's main job end to end on SQLite
// against a real Kallithea sandbox.
//
//   npm run demo [-- <dir>]      (default dir: .testbed/demo, rebuilt each time)
//
// 1. builds a fresh Kallithea 0.7.0 testbed (scripts/testbed.mjs; cached after the first run);
// 2. devdb init --yes in its source tree;
// 3. devdb reset (the throwaway database, step 4 of the documented loop);
// 4. adds a nullable column to a model in kallithea/model/db.py, as a developer would;
// 5. devdb cycle -m "…": autogenerates the migration, proves it up, down and up on
//    copies against the models, then applies it to the development database.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(process.argv[2] ?? path.join(repo, '.testbed', 'demo'));
const cli = path.join(repo, 'dist', 'cli.js');

const step = (text) => console.log(`\n\x1b[1mdemo: ${text}\x1b[0m`);

async function main() {
  step(`building a Kallithea testbed in ${dir}`);
  await fs.remove(dir);
  await execa('node', [path.join(repo, 'scripts', 'testbed.mjs'), dir], { stdio: 'inherit' });
  const testbed = await fs.readJson(path.join(dir, 'testbed.json'));
  const env = { DEVDB_ADMIN_PASSWORD: testbed.adminPassword };
  const devdb = (...args) => {
    console.log(`$ devdb ${args.join(' ')}`);
    return execa('node', [cli, ...args], { cwd: testbed.root, env, stdio: 'inherit' });
  };

  step('devdb init --yes');
  await devdb('init', '--yes', '--repos', testbed.repos);

  step('devdb reset — rebuild the throwaway database (documented step 4)');
  await devdb('reset');

  step('a model change: Repository gets a nullable "demo_note" column');
  const dbPy = path.join(testbed.root, 'kallithea', 'model', 'db.py');
  const source = await fs.readFile(dbPy, 'utf8');
  const anchor = '    repo_name = Column(Unicode(255), nullable=False, unique=True)\n';
  if (!source.includes(anchor)) throw new Error(`demo: ${dbPy} no longer has the line the demo edits`);
  await fs.writeFile(dbPy, source.replace(anchor, `${anchor}    demo_note = Column(Unicode(255), nullable=True)\n`));

  step('devdb cycle — generate the migration, prove it up and down, apply it');
  await devdb('cycle', '-m', 'demo: add repositories.demo_note');
  console.log(`\ndemo: done. The sandbox is ${testbed.root}; try "devdb --help" there.`);
}

main().catch((error) => {
  console.error(`demo: failed: ${error.shortMessage ?? error.message}`);
  process.exit(1);
});
