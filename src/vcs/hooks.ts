import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';
import { rawValue, removeIniKey, setIniValue } from '../config/ini-edit.js';
import { usageError } from '../errors.js';
import { HG_LEAVING, VCS_OPTIONS, type Vcs } from './index.js';
import { replaceFile } from '../config/replace-file.js';

// src/ and dist/ sit at the same depth under the package root, so this holds for both.
const TEMPLATES = fileURLToPath(new URL('../../templates/hooks/', import.meta.url));

/** devdb's git hooks: one before every commit, one after every checkout. */
const GIT_HOOKS = ['pre-commit', 'post-checkout'] as const;
type GitHook = (typeof GIT_HOOKS)[number];
const markerOf = (name: GitHook): string => `devdb-hook: ${name}`;
/** Where a hook that was there before devdb's is kept, and run from. */
export const chainedName = (name: GitHook): string => `${name}.devdb-chained`;
export const CHAINED = chainedName('pre-commit');

/** Mercurial's: pretxncommit runs check; preupdate notes the branch being left, which the update hook (after the checkout) cannot tell. */
const HG_KEYS = { commit: 'pretxncommit.devdb', leaving: 'preupdate.devdb', checkout: 'update.devdb' } as const;

/** What the hooks run: devdb with the Node.js and dist/cli.js that installed them, in the project root. */
export interface HookCommand {
  node: string;
  cli: string;
  root: string;
  flags: string[];
}

/** Where devdb's checkout hook is (git post-checkout, Mercurial update) and whether it is installed. */
export interface CheckoutHookState {
  file: string;
  installed: boolean;
  chained?: string;
}

/** Where devdb's commit hook is, whether it is installed, the hook it runs first (git), and the checkout hook's state. */
export interface HookState {
  file: string;
  installed: boolean;
  chained?: string;
  /** The command line the hook runs. */
  runs?: string;
  checkout: CheckoutHookState;
}

/** Quotes an argument for sh, whatever it holds. */
export const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

const devdbLine = (command: HookCommand): string => [command.node, command.cli].map(shellQuote).join(' ');
const checkLine = (command: HookCommand): string => `${devdbLine(command)} check${command.flags.map((f) => ` ${f}`).join('')}`;

const readText = async (file: string): Promise<string | undefined> => (await fs.pathExists(file) ? fs.readFile(file, 'utf8') : undefined);

/** The git hooks folder, honouring core.hooksPath (husky and friends set it). */
async function gitHooksDir(vcs: Vcs): Promise<string> {
  const result = await execa('git', ['rev-parse', '--git-path', 'hooks'], { ...VCS_OPTIONS, cwd: vcs.top });
  return path.resolve(vcs.top, result.stdout.trim());
}

/** Installs or refreshes devdb's hooks: git's pre-commit and post-checkout (existing ones are chained), Mercurial's pretxncommit, preupdate and update. */
export async function installHook(vcs: Vcs, command: HookCommand): Promise<HookState> {
  if (vcs.kind === 'hg') return installHgHook(vcs, command);
  const dir = await gitHooksDir(vcs);
  const foreign: GitHook[] = [];
  // Every refusal comes before the first write, so a refused install changes nothing.
  for (const name of GIT_HOOKS) {
    const existing = await readText(path.join(dir, name));
    if (existing === undefined || existing.includes(markerOf(name))) continue;
    const chained = path.join(dir, chainedName(name));
    if (await fs.pathExists(chained)) throw usageError(`Both ${path.join(dir, name)} and ${chained} exist; move one of them away, then run devdb hook install again.`);
    foreign.push(name);
  }
  await fs.ensureDir(dir);
  for (const name of GIT_HOOKS) {
    if (foreign.includes(name)) await fs.rename(path.join(dir, name), path.join(dir, chainedName(name)));
    const template = await fs.readFile(path.join(TEMPLATES, name), 'utf8');
    const script = template
      .replace('@ROOT@', shellQuote(command.root))
      .replace('@DEVDB@', devdbLine(command))
      .replace('@FLAGS@', command.flags.map((f) => ` ${f}`).join(''));
    const file = path.join(dir, name);
    await fs.writeFile(file, script, { mode: 0o755 });
    await fs.chmod(file, 0o755);
  }
  return hookState(vcs);
}

/** Removes devdb's hooks and puts back what was there before; false when none of devdb's hooks is installed. */
export async function uninstallHook(vcs: Vcs): Promise<boolean> {
  if (vcs.kind === 'hg') return uninstallHgHook(vcs);
  const dir = await gitHooksDir(vcs);
  let removed = false;
  for (const name of GIT_HOOKS) {
    const file = path.join(dir, name);
    if (!(await readText(file))?.includes(markerOf(name))) continue;
    await fs.remove(file);
    removed = true;
    // rename keeps the chained hook's bytes and mode exactly.
    if (await fs.pathExists(path.join(dir, chainedName(name)))) await fs.rename(path.join(dir, chainedName(name)), file);
  }
  return removed;
}

async function gitHookState(dir: string, name: GitHook): Promise<{ file: string; installed: boolean; chained?: string; text?: string }> {
  const file = path.join(dir, name);
  const text = await readText(file);
  const installed = text?.includes(markerOf(name)) ?? false;
  const chained = path.join(dir, chainedName(name));
  return { file, installed, ...(installed && (await fs.pathExists(chained)) ? { chained } : {}), ...(text === undefined ? {} : { text }) };
}

/** What is installed where. */
export async function hookState(vcs: Vcs): Promise<HookState> {
  if (vcs.kind === 'hg') {
    const file = hgrcOf(vcs);
    const text = (await readText(file)) ?? '';
    const runs = rawValue(text, 'hooks', HG_KEYS.commit);
    const checkout = { file, installed: rawValue(text, 'hooks', HG_KEYS.checkout) !== undefined && rawValue(text, 'hooks', HG_KEYS.leaving) !== undefined };
    return { file, installed: runs !== undefined, ...(runs !== undefined ? { runs } : {}), checkout };
  }
  const dir = await gitHooksDir(vcs);
  const { text, ...commit } = await gitHookState(dir, 'pre-commit');
  const { text: _unused, ...checkout } = await gitHookState(dir, 'post-checkout');
  const runs = commit.installed ? text?.split('\n').find((l) => l.startsWith('exec '))?.slice(5) : undefined;
  return { ...commit, ...(runs ? { runs } : {}), checkout };
}

const hgrcOf = (vcs: Vcs): string => path.join(vcs.top, '.hg', 'hgrc');
/** The hgrc as it was before devdb's line and as devdb left it, so uninstall can restore it byte for byte. */
const recordOf = (vcs: Vcs): string => path.join(vcs.top, '.hg', 'devdb-hook.json');
interface HgRecord {
  before: string | null;
  after: string;
}

async function installHgHook(vcs: Vcs, command: HookCommand): Promise<HookState> {
  const file = hgrcOf(vcs);
  const before = await readText(file);
  const previous = (await fs.readJson(recordOf(vcs)).catch(() => undefined)) as HgRecord | undefined;
  const original = before !== undefined && Object.values(HG_KEYS).some((k) => rawValue(before, 'hooks', k) !== undefined) && previous ? previous.before : (before ?? null);
  // Mercurial runs hooks from the repository root with sh; the project may sit below it.
  const cd = `cd ${shellQuote(command.root)}`;
  const lines: [string, string][] = [
    [HG_KEYS.commit, `${cd} && ${checkLine(command)}`],
    [HG_KEYS.leaving, `cat .hg/branch > ${HG_LEAVING} 2>/dev/null || echo default > ${HG_LEAVING}`],
    // An update hook's failure is only a warning to Mercurial; devdb says what went wrong itself.
    [HG_KEYS.checkout, `test -n "$DEVDB_NO_CHECKOUT_HOOK" || (${cd} && ${devdbLine(command)} hook checkout) || true`],
  ];
  const after = lines.reduce((text, [key, value]) => setIniValue(text, 'hooks', key, value), before ?? '');
  await replaceFile(file, after);
  await fs.writeJson(recordOf(vcs), { before: original, after } satisfies HgRecord);
  return hookState(vcs);
}

async function uninstallHgHook(vcs: Vcs): Promise<boolean> {
  const file = hgrcOf(vcs);
  const text = await readText(file);
  if (text === undefined || Object.values(HG_KEYS).every((k) => rawValue(text, 'hooks', k) === undefined)) return false;
  const record = (await fs.readJson(recordOf(vcs)).catch(() => undefined)) as HgRecord | undefined;
  if (record && record.after === text) {
    if (record.before === null) await fs.remove(file);
    else await replaceFile(file, record.before);
  } else {
    // Edited since devdb's install: take out only devdb's lines (and a [hooks] devdb added).
    const addedSection = record !== undefined && !/^\[hooks\]/m.test(record.before ?? '');
    const keys = Object.values(HG_KEYS).filter((k) => rawValue(text, 'hooks', k) !== undefined);
    await replaceFile(file, keys.reduce((t, k, i) => removeIniKey(t, 'hooks', k, { dropEmptySection: addedSection && i === keys.length - 1 }), text));
  }
  await fs.remove(recordOf(vcs));
  return true;
}
