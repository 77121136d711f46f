import fs from 'node:fs';
import path from 'node:path';
import { buildTestbed } from '../../scripts/testbed/lib.mjs';
import { tempDir } from './devdb.js';

let found: Promise<Record<string, string>> | undefined;

/**
 * An environment whose PATH finds `hg`, for the tests and the devdb runs they start:
 * the pure-Python Mercurial 5.8.1 the Kallithea testbed's virtualenv builds (warm in
 * the testbed cache), so `npm test` needs no Mercurial on the machine. Only `hg` is
 * put on PATH, not the rest of that virtualenv's bin.
 */
export function withMercurial(): Promise<Record<string, string>> {
  found ??= (async () => {
    const testbed = await buildTestbed(path.join(tempDir('hg'), 'testbed'), { quiet: true });
    const dir = tempDir('hg-bin');
    fs.symlinkSync(path.join(testbed.bin, 'hg'), path.join(dir, 'hg'));
    return { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` };
  })();
  return found;
}
