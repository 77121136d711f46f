import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { tempDir } from './devdb.js';

/**
 * A Python like `python` (the small Alembic project's) with the PostgreSQL and MariaDB
 * drivers besides: a venv that sees its packages (a .pth) plus the drivers from the
 * wheelhouse the Kallithea testbed keeps; the shared venv itself stays without drivers,
 * as engines-errors needs it.
 */
export async function pythonWithDrivers(python: string): Promise<string> {
  const cache = process.env.DEVDB_TESTBED_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'devdb-testbed');
  const wheelhouse = path.join(cache, 'wheelhouse');
  if (!fs.existsSync(wheelhouse) || !fs.readdirSync(wheelhouse).some((f) => f.startsWith('psycopg2_binary-'))) {
    throw new Error(`${wheelhouse} has no psycopg2-binary wheel yet: a Kallithea testbed (node scripts/testbed.mjs DIR) fills it`);
  }
  const venv = path.join(tempDir('drivers'), 'venv');
  await execa('python3', ['-m', 'venv', '--without-pip', venv]);
  const withDrivers = path.join(venv, 'bin', 'python');
  const purelib = async (py: string) => (await execa(py, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])).stdout.trim();
  const site = await purelib(withDrivers);
  fs.writeFileSync(path.join(site, 'devdb-shared.pth'), `${await purelib(python)}\n`);
  const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-index', '--find-links', wheelhouse, '--target', site];
  await execa(python, [...pip, 'psycopg2-binary', 'pymysql']);
  // Its own alembic: the shared venv's would start the shared Python, which has no drivers (and a #! line this long would not start at all).
  const script = `#!/bin/sh\nexec '${withDrivers.replace(/'/g, "'\\''")}' -c 'import sys; from alembic.config import main; sys.argv[0] = "alembic"; sys.exit(main())' "$@"\n`;
  fs.writeFileSync(path.join(venv, 'bin', 'alembic'), script, { mode: 0o755 });
  return withDrivers;
}
