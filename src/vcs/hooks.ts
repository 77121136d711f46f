import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fs from 'fs-extra';
import { rawValue, removeIniKey, setIniValue } from '../config/ini-edit.js';
import { usageError } from '../errors.js';
import { VCS_OPTIONS, type Vcs } from './index.js';
import { replaceFile } from '../config/replace-file.js';

// src/ and dist/ sit at the same depth under the package root, so this holds for both.
const TEMPLATE = fileURLToPath(new URL('../../templates/hooks/pre-commit', import.meta.url));
const MARKER = 'devdb-hook: pre-commit';
/** Where a pre-commit hook that was there before devdb's is kept, and run from. */
export const CHAINED = 'pre-commit.devdb-chained';
const HG_KEY = 'pretxncommit.devdb';

/** What the hook runs: `devdb check` with the Node.js and dist/cli.js that installed it, in the project root. */
export interface HookCommand {
  node: string;
  cli: string;
  root: string;
  flags: string[];
}

/** Where devdb's hook is, whether it is installed, and the hook it runs first (git). */
export interface HookState {
  file: string;
  installed: boolean;
  chained?: string;
  /** The command line the hook runs. */
  runs?: string;
}

/** Quotes an argument for sh, whatever it holds. */
export const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

const commandLine = (command: HookCommand): string =>
  [command.node, command.cli].map(shellQuote).join(' ') + ' check' + command.flags.map((f) => ` ${f}`).join('');

const readText = async (file: string): Promise<string | undefined> => (await fs.pathExists(file) ? fs.readFile(file, 'utf8') : undefined);

/** The git hooks folder, honouring core.hooksPath (husky and friends set it). */
async function gitHooksDir(vcs: Vcs): Promise<string> {
  const result = await execa('git', ['rev-parse', '--git-path', 'hooks'], { ...VCS_OPTIONS, cwd: vcs.top });
  return path.resolve(vcs.top, result.stdout.trim());
}

/** Installs or refreshes devdb's hook: git's pre-commit (an existing one is chained), Mercurial's pretxncommit. */
export async function installHook(vcs: Vcs, command: HookCommand): Promise<HookState> {
  if (vcs.kind === 'hg') return installHgHook(vcs, command);
  const dir = await gitHooksDir(vcs);
  const file = path.join(dir, 'pre-commit');
  const chained = path.join(dir, CHAINED);
  const existing = await readText(file);
  if (existing !== undefined && !existing.includes(MARKER)) {
    if (await fs.pathExists(chained)) throw usageError(`Both ${file} and ${chained} exist; move one of them away, then run devdb hook install again.`);
    await fs.rename(file, chained);
  }
  const template = await fs.readFile(TEMPLATE, 'utf8');
  const script = template
    .replace('@ROOT@', shellQuote(command.root))
    .replace('@NODE@ @CLI@ check@FLAGS@', commandLine(command));
  await fs.ensureDir(dir);
  await fs.writeFile(file, script, { mode: 0o755 });
  await fs.chmod(file, 0o755);
  return hookState(vcs);
}

/** Removes devdb's hook and puts back what was there before; false when devdb's hook is not installed. */
export async function uninstallHook(vcs: Vcs): Promise<boolean> {
  if (vcs.kind === 'hg') return uninstallHgHook(vcs);
  const dir = await gitHooksDir(vcs);
  const file = path.join(dir, 'pre-commit');
  if (!(await readText(file))?.includes(MARKER)) return false;
  await fs.remove(file);
  // rename keeps the chained hook's bytes and mode exactly.
  if (await fs.pathExists(path.join(dir, CHAINED))) await fs.rename(path.join(dir, CHAINED), file);
  return true;
}

/** What is installed where. */
export async function hookState(vcs: Vcs): Promise<HookState> {
  if (vcs.kind === 'hg') {
    const file = hgrcOf(vcs);
    const runs = rawValue((await readText(file)) ?? '', 'hooks', HG_KEY);
    return { file, installed: runs !== undefined, ...(runs !== undefined ? { runs } : {}) };
  }
  const dir = await gitHooksDir(vcs);
  const file = path.join(dir, 'pre-commit');
  const text = await readText(file);
  const installed = text?.includes(MARKER) ?? false;
  const chained = path.join(dir, CHAINED);
  const runs = installed ? text?.split('\n').find((l) => l.startsWith('exec '))?.slice(5) : undefined;
  return { file, installed, ...(installed && (await fs.pathExists(chained)) ? { chained } : {}), ...(runs ? { runs } : {}) };
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
  const original = before !== undefined && rawValue(before, 'hooks', HG_KEY) !== undefined && previous ? previous.before : (before ?? null);
  // Mercurial runs hooks from the repository root with sh; the project may sit below it.
  const after = setIniValue(before ?? '', 'hooks', HG_KEY, `cd ${shellQuote(command.root)} && ${commandLine(command)}`);
  await replaceFile(file, after);
  await fs.writeJson(recordOf(vcs), { before: original, after } satisfies HgRecord);
  return hookState(vcs);
}

async function uninstallHgHook(vcs: Vcs): Promise<boolean> {
  const file = hgrcOf(vcs);
  const text = await readText(file);
  if (text === undefined || rawValue(text, 'hooks', HG_KEY) === undefined) return false;
  const record = (await fs.readJson(recordOf(vcs)).catch(() => undefined)) as HgRecord | undefined;
  if (record && record.after === text) {
    if (record.before === null) await fs.remove(file);
    else await replaceFile(file, record.before);
  } else {
    // Edited since devdb's install: take out only devdb's line (and a [hooks] devdb added).
    const addedSection = record !== undefined && !/^\[hooks\]/m.test(record.before ?? '');
    await replaceFile(file, removeIniKey(text, 'hooks', HG_KEY, { dropEmptySection: addedSection }));
  }
  await fs.remove(recordOf(vcs));
  return true;
}
