import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const BUNDLED = path.join(REPO, 'dist', 'node_modules');
const packages = fs.existsSync(BUNDLED) ? fs.readdirSync(BUNDLED) : [];

describe('the dependencies bundled into dist/node_modules (scripts/bundle-deps.mjs)', () => {
  it('are there, one per package devdb imports, better-sqlite3 (a native addon) not among them', () => {
    const { dependencies } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(packages).toContain('execa');
    expect(packages).not.toContain('better-sqlite3');
    expect(packages.sort()).toEqual(Object.keys(dependencies).filter((name) => name !== 'better-sqlite3').sort());
  });

  it.each(packages)('%s: each entry exports the very names the package gives an importer, at its version', async (pkg) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(BUNDLED, pkg, 'package.json'), 'utf8')) as { version: string; exports: Record<string, string> };
    expect(manifest.version).toBe((JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version);
    for (const [entry, file] of Object.entries(manifest.exports)) {
      // Node's own view of each module (vitest's loader would show a package differently).
      const names = async (specifier: string) => (await execa('node', ['--input-type=module', '-e', `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(specifier)})).sort()))`], { cwd: REPO })).stdout;
      expect(await names(pathToFileURL(path.join(BUNDLED, pkg, file)).href), `${pkg} ${entry}`).toBe(await names(entry === '.' ? pkg : `${pkg}/${entry.slice(2)}`));
    }
  });
});
