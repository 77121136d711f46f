import { databasesLike } from './servers.js';

// After the whole suite, no database with devdb's prefix that the suite made is left
// on either server (those that were there before it ran are someone else's).

const before: Record<'postgres' | 'mysql', string[]> = { postgres: [], mysql: [] };

export async function setup(): Promise<void> {
  before.postgres = await databasesLike('postgres', 'devdb_');
  before.mysql = await databasesLike('mysql', 'devdb_');
}

export async function teardown(): Promise<void> {
  const left = [
    ...(await databasesLike('postgres', 'devdb_')).filter((name) => !before.postgres.includes(name)).map((name) => `postgres ${name}`),
    ...(await databasesLike('mysql', 'devdb_')).filter((name) => !before.mysql.includes(name)).map((name) => `mysql ${name}`),
  ];
  if (left.length > 0) {
    // vitest reports an error thrown here but still exits 0, so the exit code is set too.
    process.exitCode = 1;
    throw new Error(`the test suite left databases behind: ${left.join(', ')}`);
  }
}
