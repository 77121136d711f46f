/** Flags for a Python that should read nothing from the environment: -I's effect, which Python 2 lacks. */
export const ISOLATED = ['-E', '-s'] as const;

/** The deadline of a short Python probe (a syntax check, reading a script, finding a driver): seconds, even on a busy machine. */
export const PROBE_MS = 60_000;
