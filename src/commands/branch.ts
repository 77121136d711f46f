import { versionsFolder } from '../config/project-files.js';
import { loadContext, type Context, type GlobalOptions } from '../context.js';
import { engineFor } from '../engines/index.js';
import { keepNewestBranchSnapshots, listSnapshots, restoreSnapshot, takeSnapshot, type Snapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { DevdbError, EXIT, usageError } from '../errors.js';
import { watchContext } from '../interrupt.js';
import { readVersions } from '../migration/revisions.js';
import type { Outcome } from '../report/output.js';
import { currentBranch } from '../vcs/branch.js';

/** Revisions of the migrations in this checkout, read without Python. */
async function checkoutRevisions(ctx: Context): Promise<Set<string>> {
  const headers = await readVersions(ctx.root, await versionsFolder(ctx.config, ctx.root));
  return new Set(headers.map((h) => h.revision).filter((r): r is string => r !== null));
}

const fits = (snapshot: Snapshot, known: Set<string>): boolean => snapshot.revisions.every((r) => known.has(r));
const revisionText = (snapshot: Snapshot): string => snapshot.revisions.join(', ') || 'no revision';

/**
 * The branch the development database belongs to: the checkout's when its revision exists
 * here, else the branch of the newest branch snapshot at its revision (the database came
 * from there before the checkout moved), else the checkout's.
 */
async function databaseBranch(ctx: Context, known: Set<string>, here: string): Promise<string> {
  const revisions = await (await engineFor(ctx.devDb.engine)).revisions(ctx.devDb);
  if (revisions.every((r) => known.has(r))) return here;
  const same = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => s.branch !== undefined && s.revisions.join() === revisions.join());
  return same.at(-1)?.branch ?? here;
}

/** A progress line, on stdout so that --json and the Ctrl-C line on stderr stay one object and one line. */
function progress(options: GlobalOptions, line: string): void {
  if (!options.json) process.stdout.write(`${line}\n`);
}

/** Branch snapshots, per branch, newest first, each with whether its revision exists in this checkout. */
export async function branchList(options: GlobalOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: false });
  const known = await checkoutRevisions(ctx);
  const all = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => s.branch !== undefined).reverse();
  const branches: Record<string, { id: string; revisions: string[]; createdAt: string; inCheckout: boolean }[]> = {};
  for (const s of all) (branches[s.branch as string] ??= []).push({ id: s.id, revisions: s.revisions, createdAt: s.createdAt, inCheckout: fits(s, known) });
  const lines = Object.entries(branches).flatMap(([branch, list]) => [
    `${branch}:`,
    ...list.map((s) => `  ${s.id}  ${s.createdAt.replace('T', ' ').slice(0, 19)}  ${s.revisions.join(', ') || 'no revision'}  ${s.inCheckout ? 'in this checkout' : 'not in this checkout'}`),
  ]);
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'branch list', branches, keep: ctx.config.branchSnapshots },
    summary: lines.length > 0 ? lines : ['No branch snapshots yet: "devdb branch save" takes one of the development database for the current branch.'],
  };
}

/** Snapshots the development database for `name` (default: the current branch) and keeps that branch's newest few. */
export async function branchSave(name: string | undefined, options: GlobalOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: false });
  watchContext(ctx);
  const branch = name ?? (await currentBranch(ctx.root));
  progress(options, `branch save: snapshotting ${describeTarget(ctx.devDb, ctx.root)} for branch ${branch}`);
  const snapshot = await takeSnapshot(ctx.stateDir, ctx.devDb, `branch ${branch}`, branch);
  progress(options, `branch save: keeping the newest ${ctx.config.branchSnapshots} of branch ${branch}`);
  const dropped = await keepNewestBranchSnapshots(ctx.stateDir, ctx.devDb, branch, ctx.config.branchSnapshots);
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'branch save', branch, snapshot: snapshot.id, revisions: snapshot.revisions, dropped },
    summary: [`devdb branch save: snapshot ${snapshot.id} holds the development database for branch ${branch} (${revisionText(snapshot)}).`],
  };
}

/**
 * Puts back the newest snapshot of `name` (default: the current branch) whose revision
 * exists in this checkout, after snapshotting the current database for the branch it belongs to.
 */
export async function branchRestore(name: string | undefined, options: GlobalOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: false });
  const here = await currentBranch(ctx.root).catch(() => undefined);
  const branch = name ?? here ?? (await currentBranch(ctx.root));
  const known = await checkoutRevisions(ctx);
  const mine = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => s.branch === branch);
  const chosen = mine.filter((s) => fits(s, known)).at(-1);
  if (!chosen) {
    const none = mine.length === 0 ? `There is no snapshot of branch ${branch}` : `No snapshot of branch ${branch} is at a revision that exists in this checkout`;
    throw usageError(`${none}, so nothing was changed: run "devdb branch save ${branch}" while the development database holds that branch's data (devdb branch list shows the snapshots), or go back to the branch the database came from and "alembic downgrade" it to a revision both branches have.`);
  }
  watchContext(ctx);
  const exists = await (await engineFor(ctx.devDb.engine)).exists(ctx.devDb);
  const tag = exists ? await databaseBranch(ctx, known, here ?? branch) : branch;
  progress(options, `branch restore: snapshotting ${describeTarget(ctx.devDb, ctx.root)} for branch ${tag}`);
  const safety = exists ? await takeSnapshot(ctx.stateDir, ctx.devDb, `branch ${tag}, before restoring ${chosen.id}`, tag) : undefined;
  progress(options, `branch restore: restoring snapshot ${chosen.id} of branch ${branch}`);
  await restoreSnapshot(ctx.stateDir, ctx.devDb, chosen, { python: ctx.python, safety: false, say: (line) => process.stderr.write(`devdb: ${line}\n`) }).catch((error: unknown) => {
    // restoreSnapshot names its own safety snapshot; this one is taken here, so it is named here.
    if (!safety) throw error;
    const exitCode = error instanceof DevdbError ? error.exitCode : EXIT.failed;
    throw new DevdbError(`${(error as Error).message.replace(/\.$/, '')}; what it was before is snapshot ${safety.id}: run "devdb snapshot restore ${safety.id}".`, { exitCode, cause: error });
  });
  await keepNewestBranchSnapshots(ctx.stateDir, ctx.devDb, tag, ctx.config.branchSnapshots, chosen.id);
  const where = describeTarget(ctx.devDb, ctx.root);
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'branch restore', branch, restored: chosen.id, revisions: chosen.revisions, database: where, safetySnapshot: safety?.id ?? null },
    summary: [`devdb branch restore: ${where} is back to branch ${branch}'s snapshot ${chosen.id} (${revisionText(chosen)})${safety ? `; what it was before is snapshot ${safety.id} (branch ${tag})` : ''}.`],
  };
}
