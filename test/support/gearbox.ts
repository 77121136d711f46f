import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { devdb, REPO } from './devdb.js';
import type { GearboxTestbed } from '../../scripts/testbed/gearbox.mjs';

export type { GearboxTestbed };

/**
 * Why the gearbox testbed cannot be built here (no fixture, no Python 2.7), or undefined
 * when it can. Under CI, where both must exist, a missing one is an error, not a skip.
 */
export async function gearboxMissing(): Promise<string | undefined> {
  const { gearboxPrerequisites } = await import('../../scripts/testbed/gearbox.mjs');
  try {
    await gearboxPrerequisites();
    return undefined;
  } catch (error) {
    if (process.env.CI) throw error;
    return (error as Error).message;
  }
}

/**
 * A fresh gearbox-era Kallithea testbed (scripts/testbed.mjs --dialect gearbox) with
 * devdb initialised in its source root. Its path has a space and a quote but no
 * non-ASCII letter: Python 2's virtualenv cannot create an environment under one
 * (distlib's shebang code raises UnicodeDecodeError), a limit of that era's tools.
 */
export async function gearboxTestbed(): Promise<GearboxTestbed & { env: Record<string, string> }> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "devdb gearbox 'q-")), 'testbed');
  await execa('node', [path.join(REPO, 'scripts', 'testbed.mjs'), '--quiet', '--dialect', 'gearbox', dir]);
  const testbed = JSON.parse(fs.readFileSync(path.join(dir, 'testbed.json'), 'utf8')) as GearboxTestbed;
  const env = { DEVDB_ADMIN_PASSWORD: testbed.adminPassword };
  const init = await devdb(['init', '--yes', '--repos', testbed.repos], { cwd: testbed.root, env });
  if (init.exitCode !== 0) throw new Error(`devdb init failed: ${init.stderr}`);
  return { ...testbed, env };
}
