import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import type { Outcome } from '../report/output.js';
import type { HookInstallOptions } from './hook.js';

type Execute = (options: GlobalOptions, command: () => Promise<Outcome>) => Promise<void>;

/** `devdb hook install|uninstall|status`, and the checkout hook's own entry. Kept out of cli.ts, which is at its size limit. */
export function addHookCommands(program: Command, execute: Execute, withCommon: (c: Command) => Command): void {
  const hook = program.command('hook').description("install, remove or show devdb's hooks (git pre-commit and post-checkout, Mercurial pretxncommit and update)");
  withCommon(
    hook
      .command('install')
      .description('run devdb check before every commit, and keep the development database with the branch after every checkout; existing git hooks keep running first')
      .option('--verify', 'the commit hook runs devdb check --verify'),
  ).action(async (options: HookInstallOptions) => {
    await execute(options, async () => (await import('./hook.js')).hookInstall(options));
  });
  withCommon(hook.command('uninstall').description('remove the hooks and restore what was there before')).action(async (options: GlobalOptions) => {
    await execute(options, async () => (await import('./hook.js')).hookUninstall(options));
  });
  withCommon(hook.command('status').description('say whether the hooks are installed, where, and what they run')).action(async (options: GlobalOptions) => {
    await execute(options, async () => (await import('./hook.js')).hookStatus(options));
  });
  // What the checkout hooks run; not for typing.
  withCommon(hook.command('checkout', { hidden: true }).argument('[args...]', "git post-checkout's arguments")).action(async (args: string[], options: GlobalOptions) => {
    await execute(options, async () => (await import('./hook-checkout.js')).hookCheckout(args, options));
  });
}
