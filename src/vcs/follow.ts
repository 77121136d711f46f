import path from 'node:path';
import fs from 'fs-extra';
import { versionsFolder } from '../config/project-files.js';
import type { DevdbConfig } from '../config/schema.js';
import type { Context } from '../context.js';
import { engineFor } from '../engines/index.js';
import { keepNewestBranchSnapshots, listSnapshots, restoreSnapshot, takeSnapshot, type Snapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { DevdbError, EXIT, usageError } from '../errors.js';
import { readVersions } from '../migration/revisions.js';
import { HG_LEAVING, VCS_OPTIONS, type Vcs } from './index.js';

/** Revisions of the migrations in this checkout, read without Python. */
export async function checkoutRevisions(config: DevdbConfig, root: string): Promise<Set<string>> {
  const headers = await readVersions(root, await versionsFolder(config, root));
  return new Set(headers.map((h) => h.revision).filter((r): r is string => r !== null));
}

/** Whether a database at `revisions` can be used with the migrations `known` (an empty database can). */
export const fitsCheckout = (revisions: string[], known: Set<string>): boolean => revisions.every((r) => known.has(r));

export const revisionText = (snapshot: Snapshot): string => snapshot.revisions.join(', ') || 'no revision';

/**
 * The branch the development database belongs to: the checkout's when its revision exists
 * here, else the branch of the newest branch snapshot at its revision (the database came
 * from there before the checkout moved), else the checkout's.
 */
export async function databaseBranch(ctx: Context, known: Set<string>, here: string): Promise<string> {
  const revisions = await (await engineFor(ctx.devDb.engine)).revisions(ctx.devDb);
  if (fitsCheckout(revisions, known)) return here;
  const same = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => s.branch !== undefined && s.revisions.join() === revisions.join());
  return same.at(-1)?.branch ?? here;
}

/** The newest snapshot of `branch` whose revision exists in this checkout, and how many that branch has. */
export async function branchSnapshotFor(ctx: Context, branch: string, known: Set<string>): Promise<{ chosen?: Snapshot; count: number }> {
  const mine = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => s.branch === branch);
  const chosen = mine.filter((s) => fitsCheckout(s.revisions, known)).at(-1);
  return { ...(chosen ? { chosen } : {}), count: mine.length };
}

/** What a branch restore did. */
export interface BranchRestore {
  restored: Snapshot;
  /** The snapshot of what the database was, tagged with the branch it belonged to. */
  safety?: Snapshot;
  tag: string;
}

/**
 * Puts `chosen` back as the development database, after snapshotting the current one for
 * `tag` (the branch it belongs to); keeps that branch's newest few. A failed restore names
 * the snapshot that holds what the database was.
 */
export async function restoreBranchSnapshot(ctx: Context, chosen: Snapshot, tag: string, progress: (line: string) => void): Promise<BranchRestore> {
  const exists = await (await engineFor(ctx.devDb.engine)).exists(ctx.devDb);
  progress(`snapshotting ${describeTarget(ctx.devDb, ctx.root)} for branch ${tag}`);
  const safety = exists ? await takeSnapshot(ctx.stateDir, ctx.devDb, `branch ${tag}, before restoring ${chosen.id}`, tag) : undefined;
  progress(`restoring snapshot ${chosen.id} of branch ${chosen.branch ?? tag}`);
  await restoreSnapshot(ctx.stateDir, ctx.devDb, chosen, { python: ctx.python, safety: false, say: (line) => process.stderr.write(`devdb: ${line}\n`) }).catch((error: unknown) => {
    // restoreSnapshot names its own safety snapshot; this one is taken here, so it is named here.
    if (!safety) throw error;
    const exitCode = error instanceof DevdbError ? error.exitCode : EXIT.failed;
    throw new DevdbError(`${(error as Error).message.replace(/\.$/, '')}; what it was before is snapshot ${safety.id}: run "devdb snapshot restore ${safety.id}".`, { exitCode, cause: error });
  });
  await keepNewestBranchSnapshots(ctx.stateDir, ctx.devDb, tag, ctx.config.branchSnapshots, chosen.id);
  return { restored: chosen, ...(safety ? { safety } : {}), tag };
}

/** The refusal when no snapshot of `branch` fits this checkout: nothing was changed, and what to do instead. */
export const noSnapshotFor = (branch: string, count: number): DevdbError =>
  usageError(
    `${count === 0 ? `There is no snapshot of branch ${branch}` : `No snapshot of branch ${branch} is at a revision that exists in this checkout`}, so nothing was changed: run "devdb branch save ${branch}" while the development database holds that branch's data (devdb branch list shows the snapshots), or go back to the branch the database came from and "alembic downgrade" it to a revision both branches have.`,
  );

/**
 * A checkout that moved to another branch. `left` is asked of git only when the database
 * must change: it is undefined when the checkout was on no branch, and the same name as
 * `entered` when the checkout stayed on its branch.
 */
export interface BranchMove {
  entered: string;
  left(): Promise<string | undefined>;
}

const NO_COMMIT = /^0+$/;

/** A git question through execa, loaded only when one is asked; undefined when git said no. */
async function askGit(vcs: Vcs, args: string[]): Promise<string | undefined> {
  const { execa } = await import('execa');
  const result = await execa('git', args, { ...VCS_OPTIONS, cwd: vcs.top, timeout: 30_000, reject: false });
  return result.exitCode === 0 ? String(result.stdout).trim() : undefined;
}

/**
 * The branch HEAD is on, read from git's HEAD file, so that a checkout needing nothing starts
 * no process (the hook's budget is 0.3 s, and loading execa alone costs a sixth of it); git
 * itself is asked when the file does not say plainly (a reftable repository's HEAD is a stub).
 * Undefined on a detached HEAD.
 */
async function headBranch(vcs: Vcs): Promise<string | undefined> {
  const dotGit = path.join(vcs.top, '.git');
  const linked = (await fs.stat(dotGit)).isFile() ? /^gitdir: (.+)$/m.exec(await fs.readFile(dotGit, 'utf8'))?.[1] : undefined;
  const head = await fs.readFile(path.join(linked ? path.resolve(vcs.top, linked) : dotGit, 'HEAD'), 'utf8').catch(() => '');
  const branch = /^ref: refs\/heads\/(.+)\n?$/.exec(head)?.[1];
  if (branch && branch !== '.invalid') return branch;
  if (/^[0-9a-f]{40,64}\n?$/.test(head)) return undefined;
  return askGit(vcs, ['symbolic-ref', '--short', '-q', 'HEAD']).then((name) => name || undefined);
}

/**
 * Reads what a checkout hook was called for: git's post-checkout arguments (previous
 * HEAD, new HEAD, 1 for a branch checkout), Mercurial's update hook with the branch its
 * preupdate hook noted. Undefined when no branch changed that can be told without git:
 * a file checkout, a clone, a detached HEAD, a failed update, a move within one branch
 * in Mercurial.
 */
export async function branchMove(vcs: Vcs, args: string[]): Promise<BranchMove | undefined> {
  if (vcs.kind === 'hg') {
    if (process.env.HG_ERROR && process.env.HG_ERROR !== '0') return undefined;
    const leavingFile = path.join(vcs.top, HG_LEAVING);
    const left = (await fs.readFile(leavingFile, 'utf8').catch(() => '')).trim();
    await fs.remove(leavingFile);
    const entered = (await fs.readFile(path.join(vcs.top, '.hg', 'branch'), 'utf8').catch(() => 'default')).trim() || 'default';
    return left && left !== entered ? { entered, left: async () => left } : undefined;
  }
  const [previous, , flag] = args;
  if (flag !== '1' || previous === undefined || NO_COMMIT.test(previous)) return undefined;
  const entered = await headBranch(vcs);
  if (!entered) return undefined;
  return {
    entered,
    // @{-1} is the branch checked out before this one; a detached HEAD before has no full name.
    left: async () => {
      const name = ((await askGit(vcs, ['rev-parse', '--symbolic-full-name', '@{-1}'])) ?? '').replace(/^refs\/heads\//, '');
      return name && !name.startsWith('refs/') ? name : undefined;
    },
  };
}
