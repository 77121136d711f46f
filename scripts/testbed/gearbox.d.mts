// Types for scripts/testbed/gearbox.mjs (the `--dialect gearbox` testbed), for TypeScript tests.
import type { Testbed } from './lib.mjs';

/** <dir>/testbed.json of a gearbox testbed: the 0.7 contract, with gearbox instead of kallithea-cli. */
export interface GearboxTestbed extends Omit<Testbed, 'kallitheaCli' | 'cache'> {
  dialect: 'gearbox';
  /** The venv's gearbox console script. */
  gearbox: string;
  /** The Kallithea changeset the tarball holds (b7ef1631154a). */
  changeset: string;
  gearboxVersion: string;
  /** The tarball the tree was extracted from. */
  source: string;
  cache: { dir: string; key: string; wheelhouse: string; virtualenv: string };
}

/** The tarball and the Python 2.7 a build would use; rejects with a TestbedError (exitCode 2) naming what is missing. */
export declare function gearboxPrerequisites(env?: NodeJS.ProcessEnv): Promise<{ source: string; python: string }>;

/** Builds, finishes or just confirms the gearbox testbed at dir; resolves to its testbed.json. */
export declare function buildGearboxTestbed(
  dir: string,
  opts?: { quiet?: boolean; out?: NodeJS.WritableStream; cacheDir?: string; env?: NodeJS.ProcessEnv },
): Promise<GearboxTestbed>;
