// Types for scripts/testbed/lib.mjs, for TypeScript tests that build a testbed
// in-process instead of running `node scripts/testbed.mjs <dir>`.

/** The contents of <dir>/testbed.json (schema 1). All paths are absolute. */
export interface Testbed {
  schema: 1;
  /** The testbed directory. */
  dir: string;
  /** Kallithea source root: where development.ini lives; run alembic from here. */
  root: string;
  /** The venv's python. */
  python: string;
  devIni: string;
  venv: string;
  /** The venv's bin directory (kallithea-cli, alembic, hg, pip, gearbox, ...). */
  bin: string;
  kallitheaCli: string;
  alembic: string;
  /** root/kallithea.db, development.ini's database. */
  devDb: string;
  /** development.ini's sqlalchemy.url with %(here)s filled in. */
  sqlalchemyUrl: string;
  /** The repositories root given to db-create --repos. */
  repos: string;
  /** Names (inside repos) of the sample repositories db-create registered. */
  sampleRepos: string[];
  adminUser: string;
  adminEmail: string;
  adminPassword: string;
  kallitheaVersion: string;
  alembicVersion: string;
  sqlalchemyVersion: string;
  mercurialVersion: string;
  pythonVersion: string;
  /** The Alembic head revision id (alembic heads) when the testbed was made. */
  head: string;
  /** The source tree's one commit. */
  baseCommit: string;
  venvKey: string;
  cache: { dir: string; depsKey: string; depsDir: string; depsSitePackages: string; sdist: string };
  createdAt: string;
  updatedAt: string;
}

export declare const SCHEMA: 1;
export declare const KALLITHEA_VERSION: string;
export declare const ADMIN: Readonly<{ user: string; email: string; password: string }>;

export declare class TestbedError extends Error {
  /** 2: something the build needs is missing; 1: the build failed. */
  exitCode: 1 | 2;
}

/** ${DEVDB_TESTBED_CACHE:-${XDG_CACHE_HOME:-~/.cache}/devdb-testbed} */
export declare function defaultCacheDir(env?: NodeJS.ProcessEnv): string;

/** Builds, finishes or just confirms the testbed at dir; resolves to its testbed.json. */
export declare function buildTestbed(
  dir: string,
  opts?: { quiet?: boolean; out?: NodeJS.WritableStream; cacheDir?: string; /** false: build step by step, never clone the cache's template. */ template?: boolean },
): Promise<Testbed>;

/** The CLI (scripts/testbed.mjs); resolves to the exit code. */
export declare function main(argv: string[]): Promise<number>;
