import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import type { Outcome } from '../report/output.js';

type Options = GlobalOptions & { wait?: string; timeout?: string };
type Execute = (options: Options, command: () => Promise<Outcome>, writes?: { lock: string; wait?: string; timeout?: string }) => Promise<void>;

/** `devdb branch list|save|restore`: a development database per branch, by hand. Kept out of cli.ts, which is at its size limit. */
export function addBranchCommands(program: Command, execute: Execute, withCommon: (c: Command) => Command, withWait: (c: Command) => Command): void {
  const branch = program.command('branch').description('a development database per branch: snapshots tagged with the branch and its revision');
  withCommon(branch.command('list').description("branch snapshots per branch, with each one's revision and whether it exists in this checkout")).action(async (options: Options) => {
    await execute(options, async () => (await import('./branch.js')).branchList(options));
  });
  withCommon(withWait(branch.command('save')).description(`snapshot the development database for a branch (the newest "branchSnapshots" per branch are kept, default 3)`).argument('[name]', 'the branch (default: the current git or Mercurial branch)')).action(
    async (name: string | undefined, options: Options) => {
      await execute(options, async () => (await import('./branch.js')).branchSave(name, options), { lock: 'branch save', wait: options.wait, timeout: options.timeout });
    },
  );
  withCommon(
    withWait(branch.command('restore')).description("put back a branch's newest snapshot whose revision exists in this checkout (the current database is snapshotted first)").argument('[name]', 'the branch (default: the current git or Mercurial branch)'),
  ).action(async (name: string | undefined, options: Options) => {
    await execute(options, async () => (await import('./branch.js')).branchRestore(name, options), { lock: 'branch restore', wait: options.wait, timeout: options.timeout });
  });
}
