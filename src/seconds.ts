import { usageError } from './errors.js';

// The seconds of --wait and --timeout, read once by src/cli.ts for every command that writes.

/** Seconds from --wait or DEVDB_WAIT, else the default. */
export function waitSeconds(value: string | undefined, fallback: number): number {
  return seconds('--wait', 'DEVDB_WAIT', value, '30 or 0') ?? fallback;
}

/** Seconds from a flag or its environment variable; undefined when neither is given. */
function seconds(flag: string, variable: string, value: string | undefined, examples: string): number | undefined {
  const given = value ?? process.env[variable];
  if (given === undefined || given === '') return undefined;
  const number = Number(given);
  if (!Number.isFinite(number) || number < 0) throw usageError(`${flag} (or ${variable}) is "${given}"; give a number of seconds, such as ${examples}.`);
  return number;
}

/** Seconds from --timeout or DEVDB_TIMEOUT: how long any one step may run; undefined for no bound. */
export function timeoutSeconds(value: string | undefined): number | undefined {
  const given = seconds('--timeout', 'DEVDB_TIMEOUT', value, '600');
  if (given === 0) throw usageError(`--timeout (or DEVDB_TIMEOUT) is 0; give a number of seconds above 0, such as 600, or leave it out for no bound.`);
  return given;
}
