// A testbed made by copying a template testbed instead of building it.
//
// The suite makes some forty testbeds, each a fresh directory. Building one runs
// tar, git, a venv, pip's editable install, byte-compilation, kallithea-cli
// db-create and three Python checks: ~5-8 s of CPU each, a third of the suite's.
// A clone copies one testbed that was built and checked that way
// (CACHE/templates/<key>/testbed, <key> hashing everything that goes into it)
// and moves the few places that name its directory: the venv's scripts, .pth,
// marker and pyvenv.cfg, the sample git repository's hook Kallithea wrote, and
// the repositories path db-create stored in the database. What a build proves
// was proven on the template; the clone proves that no file or row still names
// the template's directory.

import path from 'node:path';
import { pathToFileURL } from 'node:url';

import fs from 'fs-extra';

/** Directories whose paths a clone cannot carry: the venv's #! line would need quoting a shell cannot do. */
export const cloneable = (dir) => !/["\\$`\n]/.test(dir);

/** The first line of a console script for `python`, as pip writes it: a /bin/sh trampoline where the kernel cannot read the path. */
function scriptHeader(python) {
  return /\s/.test(python) || Buffer.byteLength(`#!${python}`) > 127
    ? `#!/bin/sh\n'''exec' "${python}" "$0" "$@"\n' '''\n`
    : `#!${python}\n`;
}

async function* filesUnder(dir) {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** Replaces every occurrence of `from` by `to` in the file's bytes; true when it changed. */
async function replaceIn(file, pairs) {
  const before = await fs.readFile(file);
  let text = before.toString('latin1');
  for (const [from, to] of pairs) text = text.split(Buffer.from(from).toString('latin1')).join(Buffer.from(to).toString('latin1'));
  const after = Buffer.from(text, 'latin1');
  if (after.equals(before)) return false;
  const { mode } = await fs.stat(file);
  await fs.writeFile(file, after, { mode });
  return true;
}

/** Rewrites a venv script's first line for the clone's python when the plain #! form no longer fits it. */
async function fixScriptHeader(file, python) {
  const text = await fs.readFile(file, 'utf8');
  const plain = `#!${python}\n`;
  if (!text.startsWith(plain)) return;
  const header = scriptHeader(python);
  if (header !== plain) await fs.writeFile(file, header + text.slice(plain.length));
}

/** Rows of the database's text columns that still name `dir`, as "table.column" labels. */
function rowsNaming(db, dir) {
  const found = [];
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()) {
    for (const row of db.prepare(`SELECT * FROM "${name}"`).all()) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === 'string' && value.includes(dir)) found.push(`${name}.${column}`);
      }
    }
  }
  return found;
}

/**
 * Copies the complete testbed `template` (its testbed.json `tb`) to L.dir and moves
 * its paths; returns the clone's testbed.json contents (not yet written).
 */
export async function cloneTestbed(ctx, L, keys, template, tb, TestbedError) {
  const from = template;
  const to = L.dir;
  await Promise.all(['kallithea', 'venv', 'repos'].map((part) =>
    ctx.run('cp', ['-a', path.join(from, part), path.join(to, part)], { what: `copying the template testbed's ${part}` })));
  const pairs = [[pathToFileURL(from).href, pathToFileURL(to).href], [from, to]];
  const moved = [];
  for (const top of [L.venv, L.repos]) {
    for await (const file of filesUnder(top)) if (await replaceIn(file, pairs)) moved.push(file);
  }
  for (const file of moved.filter((f) => path.dirname(f) === L.bin)) await fixScriptHeader(file, L.python);

  const { default: Database } = await import('better-sqlite3');
  const db = new Database(L.devDb);
  try {
    db.prepare('UPDATE ui SET ui_value = replace(ui_value, ?, ?)').run(from, to);
    const left = rowsNaming(db, from);
    if (left.length > 0) throw new TestbedError(`the cloned database still names the template's directory in ${left.join(', ')}`);
  } finally {
    db.close();
  }
  await fs.writeJson(L.venvMarker, { key: keys.venvKey, depsKey: keys.depsKey, root: L.root }, { spaces: 2 });
  const editable = await fs.readFile(path.join(L.venvSite, `__editable__.Kallithea-${tb.kallitheaVersion}.pth`), 'utf8');
  if (editable.trim() !== L.root) throw new TestbedError(`the cloned venv's editable install names ${editable.trim()}, not ${L.root}`);

  const relocate = (value) => (typeof value === 'string' ? value.split(from).join(to) : value);
  const now = new Date().toISOString();
  return {
    ...Object.fromEntries(Object.entries(tb).map(([key, value]) => [key, relocate(value)])),
    venvKey: keys.venvKey,
    createdAt: now,
    updatedAt: now,
  };
}
