import { ISOLATED, PROBE_MS } from './probe.js';

// compile() rather than `python -m py_compile`: the same syntax check, without writing
// a .pyc into the versions folder on every commit.
const COMPILE = 'import sys; compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec")';

/** Why Python cannot compile `file` (its last error line), or undefined when it compiles. */
export async function compileError(python: string, file: string): Promise<string | undefined> {
  const { execa } = await import('execa');
  const result = await execa(python, [...ISOLATED, '-c', COMPILE, file], { reject: false, stdin: 'ignore', timeout: PROBE_MS });
  if (result.timedOut) return `${python} did not finish compiling it within ${PROBE_MS / 1000} s`;
  if (result.exitCode === 0) return undefined;
  if ((result as { code?: string }).code === 'ENOENT') return `${python} could not be started`;
  const lines = String(result.stderr).trim().split('\n');
  // The last frame is the script's own line; the first is the -c code's.
  const where = lines.filter((l) => /^\s*File ".*", line \d+/.test(l)).pop()?.match(/line (\d+)/)?.[1];
  return `${lines[lines.length - 1] ?? 'it does not compile'}${where ? ` (line ${where})` : ''}`;
}
