import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { PRESETS } from '../presets/index.js';
import type { Preset, PythonNeed } from '../presets/preset.js';
import { usageError } from '../errors.js';
import { ISOLATED, PROBE_MS } from './probe.js';

export type Version = [major: number, minor: number];

/** The version in a virtualenv's pyvenv.cfg: `version = 3.11.7` (venv) or `version_info = 2.7.18.final.0` (virtualenv). */
export function versionInConfig(text: string): Version | undefined {
  const match = /^\s*version(?:_info)?\s*=\s*(\d+)\.(\d+)/m.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The version in an interpreter's file name: python3.11, python2.7. */
export function versionInName(file: string): Version | undefined {
  const match = /^python(\d+)\.(\d+)$/.exec(path.basename(file));
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * The Python's version, read without starting it where its virtualenv or file name
 * says (a cached reset starts no Python), else asked of it, with a deadline.
 */
export async function pythonVersion(python: string): Promise<Version> {
  const config = await readFile(path.join(path.dirname(path.dirname(python)), 'pyvenv.cfg'), 'utf8').catch(() => '');
  const known = versionInConfig(config) ?? versionInName(await realpath(python).catch(() => python));
  if (known) return known;
  const { execa } = await import('execa');
  const result = await execa(python, [...ISOLATED, '-S', '-c', 'import sys; sys.stdout.write("%d.%d" % sys.version_info[:2])'], { reject: false, stdin: 'ignore', timeout: PROBE_MS });
  const asked = /^(\d+)\.(\d+)$/.exec(String(result.stdout).trim());
  if (result.exitCode === 0 && asked) return [Number(asked[1]), Number(asked[2])];
  const why = result.timedOut ? `it did not answer within ${PROBE_MS / 1000} s` : `it exited with code ${result.exitCode ?? result.signal}`;
  const last = String(result.stderr).trim().split('\n').pop();
  throw usageError(`The Python ${python} does not run (${why}${last ? `: ${last}` : ''}); fix it, or point "python" in devdb.json at one that runs with "devdb init --yes --force --python PATH".`);
}

/** What devdb's own Python parts need of the Python; a preset's tools may need more (Preset.needsPython). */
const DEVDB_NEEDS: PythonNeed = { what: "devdb's helper and migration reader", need: '2.7 or 3.6+', has: ([major, minor]) => (major === 2 && minor >= 7) || (major === 3 && minor >= 6) || major > 3 };

/** Refuses, in one sentence, a Python that a part of this run cannot work with. */
export function checkPythonVersion(python: string, version: Version, preset: Preset['name']): void {
  const needs = [DEVDB_NEEDS, PRESETS.find((p) => p.name === preset)?.needsPython];
  const unmet = needs.find((n) => n !== undefined && !n.has(version));
  if (unmet) {
    throw usageError(`The project's Python ${python} is Python ${version.join('.')}, but ${unmet.what} needs Python ${unmet.need}; point "python" in devdb.json at one with "devdb init --yes --force --python PATH".`);
  }
}
