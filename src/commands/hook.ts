import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.js';
import type { GlobalOptions } from '../context.js';
import { EXIT, usageError } from '../errors.js';
import type { Outcome } from '../report/output.js';
import { detectVcs, type Vcs } from '../vcs/index.js';
import { hookState, installHook, uninstallHook, type HookState } from '../vcs/hooks.js';

export interface HookInstallOptions extends GlobalOptions {
  verify?: boolean;
}

// dist/commands/hook.js → dist/cli.js: the hook runs the devdb that installed it.
const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

const HOOK_NAME = { git: 'git pre-commit hook', hg: 'Mercurial pretxncommit hook' } as const;
const CHECKOUT_HOOK_NAME = { git: 'git post-checkout hook', hg: 'Mercurial update hook' } as const;

/** The project's root and the checkout it is in. */
async function projectVcs(options: GlobalOptions): Promise<{ root: string; vcs: Vcs }> {
  const { root } = await loadConfig(options.config, process.cwd());
  const vcs = detectVcs(root);
  if (!vcs) throw usageError(`The project ${root} is in neither a git nor a Mercurial checkout; devdb installs its hook into one.`);
  return { root, vcs };
}

const stateReport = (command: string, vcs: Vcs, state: HookState) => ({ ok: true, command, vcs: vcs.kind, hook: HOOK_NAME[vcs.kind], ...state });

/** Installs (or refreshes) the hook that runs `devdb check` before every commit; an existing git hook keeps running first. */
export async function hookInstall(options: HookInstallOptions): Promise<Outcome> {
  const { root, vcs } = await projectVcs(options);
  const state = await installHook(vcs, { node: process.execPath, cli: CLI, root, flags: options.verify ? ['--verify'] : [] });
  const summary = [`Installed devdb's ${HOOK_NAME[vcs.kind]} in ${state.file}; it runs: ${state.runs}`];
  if (state.chained) summary.push(`The pre-commit hook that was there runs first (kept as ${path.basename(state.chained)}).`);
  summary.push(`Installed devdb's ${CHECKOUT_HOOK_NAME[vcs.kind]} in ${state.checkout.file}: after a checkout to another branch, a development database at a revision that branch lacks is swapped for that branch's snapshot (DEVDB_NO_CHECKOUT_HOOK=1 turns it off).`);
  if (state.checkout.chained) summary.push(`The post-checkout hook that was there runs first (kept as ${path.basename(state.checkout.chained)}).`);
  return { exitCode: EXIT.ok, report: stateReport('hook install', vcs, state), summary };
}

/** Removes devdb's hook and restores what was there before it. */
export async function hookUninstall(options: GlobalOptions): Promise<Outcome> {
  const { vcs } = await projectVcs(options);
  const removed = await uninstallHook(vcs);
  const state = await hookState(vcs);
  const summary = [removed ? `Removed devdb's ${HOOK_NAME[vcs.kind]} from ${state.file}; what was there before is back.` : `devdb's ${HOOK_NAME[vcs.kind]} is not installed in ${state.file}; nothing to do.`];
  return { exitCode: EXIT.ok, report: { ...stateReport('hook uninstall', vcs, state), removed }, summary };
}

/** Says whether devdb's hook is installed, where, and what it runs. */
export async function hookStatus(options: GlobalOptions): Promise<Outcome> {
  const { vcs } = await projectVcs(options);
  const state = await hookState(vcs);
  const summary = state.installed
    ? [`devdb's ${HOOK_NAME[vcs.kind]} is installed in ${state.file}; it runs: ${state.runs}`, ...(state.chained ? [`It runs ${state.chained} first.`] : [])]
    : [`devdb's ${HOOK_NAME[vcs.kind]} is not installed (looked in ${state.file}); run devdb hook install.`];
  summary.push(
    state.checkout.installed
      ? `devdb's ${CHECKOUT_HOOK_NAME[vcs.kind]} is installed in ${state.checkout.file}${state.checkout.chained ? `; it runs ${state.checkout.chained} first` : ''}.`
      : `devdb's ${CHECKOUT_HOOK_NAME[vcs.kind]} is not installed (looked in ${state.checkout.file}); run devdb hook install.`,
  );
  return { exitCode: EXIT.ok, report: stateReport('hook status', vcs, state), summary };
}

