import type { ServerEngine } from '../config/schema.js';
import { usageError } from '../errors.js';

/** SQLAlchemy drivers devdb knows per engine, in order of preference: the module to import and the URL scheme. */
const DRIVERS: Record<ServerEngine, { module: string; scheme: string }[]> = {
  postgres: [{ module: 'psycopg2', scheme: 'postgresql+psycopg2' }],
  mysql: [
    { module: 'MySQLdb', scheme: 'mysql+mysqldb' },
    { module: 'pymysql', scheme: 'mysql+pymysql' },
  ],
};

const INSTALL: Record<ServerEngine, string> = { postgres: 'psycopg2-binary', mysql: 'PyMySQL' };
const LABEL: Record<ServerEngine, string> = { postgres: 'PostgreSQL', mysql: 'MariaDB/MySQL' };

/**
 * The SQLAlchemy URL scheme for `engine` with a driver the project's Python has,
 * found without importing it (importlib's find_spec). A missing driver is a
 * sentence that names the package to install and the pip to install it with.
 */
export async function driverScheme(python: string, engine: ServerEngine): Promise<string> {
  const modules = DRIVERS[engine].map((d) => d.module);
  const script = [
    'try:',
    '    from importlib.util import find_spec',
    'except ImportError:',
    // Python 2 (the gearbox era's) has no importlib.util.
    '    import imp',
    '    def find_spec(m):',
    '        try:',
    '            return imp.find_module(m)',
    '        except ImportError:',
    '            return None',
    `for m in ${JSON.stringify(modules)}:`,
    "    print(m if find_spec(m) else '')",
  ].join('\n');
  const { execa } = await import('execa');
  const { stdout } = await execa(python, ['-c', script], { reject: false });
  const found = new Set(stdout.split('\n').filter(Boolean));
  const driver = DRIVERS[engine].find((d) => found.has(d.module));
  if (!driver) {
    throw usageError(
      `The project's Python ${python} has no ${LABEL[engine]} driver for SQLAlchemy; install one with "${python} -m pip install ${INSTALL[engine]}".`,
    );
  }
  return driver.scheme;
}
