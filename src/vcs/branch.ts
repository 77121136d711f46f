import { execa } from 'execa';
import { usageError } from '../errors.js';
import { detectVcs, VCS_OPTIONS } from './index.js';

/** The branch the checkout holding `dir` is on: git's checked-out branch, Mercurial's named branch. */
export async function currentBranch(dir: string): Promise<string> {
  const vcs = detectVcs(dir);
  if (!vcs) throw usageError('This project is not in a git or Mercurial checkout, so devdb cannot tell the branch; give the branch name, e.g. "devdb branch save NAME".');
  const [command, args] = vcs.kind === 'git' ? ['git', ['symbolic-ref', '--short', '-q', 'HEAD']] : ['hg', ['branch']];
  const result = await execa(command, args, { ...VCS_OPTIONS, timeout: 30_000, cwd: vcs.top, reject: false });
  const name = String(result.stdout).trim();
  if (result.exitCode !== 0 || !name) throw usageError(`The ${vcs.kind} checkout is on no branch (a detached HEAD?); give the branch name, e.g. "devdb branch save NAME".`);
  return name;
}
