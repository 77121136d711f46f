import type { ServerEngine } from '../schema/model.js';
import { usageError } from '../errors.js';
import { PROBE_MS } from './probe.js';

/** SQLAlchemy drivers devdb knows per engine, in order of preference: the module to import and the URL scheme. */
const DRIVERS: Record<ServerEngine, { module: string; scheme: string }[]> = {
  postgres: [{ module: 'psycopg2', scheme: 'postgresql+psycopg2' }],
  mysql: [
    { module: 'MySQLdb', scheme: 'mysql+mysqldb' },
    { module: 'pymysql', scheme: 'mysql+pymysql' },
  ],
};

// Finds each module without importing it: importlib's find_spec, or imp on Python 2.
const FIND = `import sys
try:
    from importlib.util import find_spec
except ImportError:
    import imp
    def find_spec(name):
        try:
            return imp.find_module(name)
        except ImportError:
            return None
for m in sys.argv[1:]:
    print(m if find_spec(m) else '')`;

const INSTALL: Record<ServerEngine, string> = { postgres: 'psycopg2-binary', mysql: 'PyMySQL' };
const LABEL: Record<ServerEngine, string> = { postgres: 'PostgreSQL', mysql: 'MariaDB/MySQL' };

/**
 * The SQLAlchemy URL scheme for `engine` with a driver the project's Python has,
 * found without importing it (importlib's find_spec). A missing driver is a
 * sentence that names the package to install and the pip to install it with.
 */
export async function driverScheme(python: string, engine: ServerEngine): Promise<string> {
  const modules = DRIVERS[engine].map((d) => d.module);
  const { execa } = await import('execa');
  const result = await execa(python, ['-c', FIND, ...modules], { reject: false, stdin: 'ignore', timeout: PROBE_MS });
  if (result.exitCode !== 0) {
    throw usageError(`The project's Python ${python} could not be asked which ${LABEL[engine]} driver it has (${result.timedOut ? `no answer within ${PROBE_MS / 1000} s` : `exit code ${result.exitCode}`}); check that it runs.`, String(result.stderr));
  }
  const stdout = String(result.stdout);
  const found = new Set(stdout.split('\n').filter(Boolean));
  const driver = DRIVERS[engine].find((d) => found.has(d.module));
  if (!driver) {
    throw usageError(
      `The project's Python ${python} has no ${LABEL[engine]} driver for SQLAlchemy; install one with "${python} -m pip install ${INSTALL[engine]}".`,
    );
  }
  return driver.scheme;
}
