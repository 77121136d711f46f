#!/usr/bin/env node
// Bundles each runtime dependency devdb's compiled code imports into one file under
// dist/node_modules/NAME/, so that Node, resolving a bare import from dist/ upwards,
// finds the bundle before the package in node_modules/. Loading a package as hundreds
// of small modules is most of devdb's start-up (execa alone is 176 files, about
// 0.1 s on these machines; bundled, 0.03 s). src/ keeps importing the packages by
// name: tsc and the unit tests see the real packages, and a dist/ without the bundles
// still runs, only slower.
//
//   node scripts/bundle-deps.mjs      (run by `npm run build` after tsc)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import fs from 'fs-extra';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(repo, 'dist', 'node_modules');
/** Every import specifier src/ uses of a package; better-sqlite3 finds its native addon beside its own files, so it is not bundled. */
const SPECIFIERS = ['execa', 'fs-extra', 'listr2', 'commander', 'cli-table3', 'zod', 'ini', 'picocolors', 'pg', 'mysql2/promise', 'xmlbuilder2', 'inquirer'];
/** Optional modules a package asks for only when present (pg's native client); left to a require at run time. */
const OPTIONAL = ['pg-native'];
// Code in a CommonJS package calls require (for Node's own modules among others); an ES module has none.
const BANNER = "import { createRequire as __devdbRequire } from 'node:module'; const require = __devdbRequire(import.meta.url);";

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

await fs.remove(out);
const exportsOf = new Map();
for (const specifier of SPECIFIERS) {
  // The names Node itself gives an importer of the package: the bundle exports exactly those.
  const names = Object.keys(await import(specifier));
  const named = names.filter((name) => name !== 'default' && name !== 'module.exports');
  const clauses = [...named, ...(names.includes('default') ? ['default'] : [])];
  const pkg = packageOf(specifier);
  const file = specifier === pkg ? 'index.js' : `${specifier.slice(pkg.length + 1)}.js`;
  await build({
    stdin: { contents: `export { ${clauses.join(', ')} } from ${JSON.stringify(specifier)};`, resolveDir: repo, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    external: OPTIONAL,
    banner: { js: BANNER },
    outfile: path.join(out, pkg, file),
    logLevel: 'error',
    legalComments: 'none',
  });
  exportsOf.set(pkg, { ...exportsOf.get(pkg), [specifier === pkg ? '.' : `./${file.replace(/\.js$/, '')}`]: `./${file}` });
}
for (const [pkg, exports] of exportsOf) {
  const { version } = await fs.readJson(path.join(repo, 'node_modules', pkg, 'package.json'));
  await fs.writeJson(path.join(out, pkg, 'package.json'), { name: pkg, version, type: 'module', private: true, exports }, { spaces: 2 });
}
process.stdout.write(`bundle-deps: ${SPECIFIERS.length} dependencies bundled into ${path.relative(repo, out)}\n`);
