import { loadContext, type GlobalOptions } from '../context.js';
import { engineFor } from '../engines/index.js';
import { keepNewestBranchSnapshots, listSnapshots, takeSnapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { EXIT } from '../errors.js';
import { watchContext } from '../interrupt.js';
import type { Outcome } from '../report/output.js';
import { currentBranch } from '../vcs/branch.js';
import { branchSnapshotFor, checkoutRevisions, databaseBranch, fitsCheckout, noSnapshotFor, restoreBranchSnapshot, revisionText } from '../vcs/follow.js';

/** A progress line, on stdout so that --json and the Ctrl-C line on stderr stay one object and one line. */
function progress(options: GlobalOptions, line: string): void {
  if (!options.json) process.stdout.write(`${line}\n`);
}

/** Branch snapshots, per branch, newest first, each with whether its revision exists in this checkout. */
export async function branchList(options: GlobalOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: false });
  const known = await checkoutRevisions(ctx.config, ctx.root);
  const all = (await listSnapshots(ctx.stateDir, ctx.devDb)).filter((s) => s.branch !== undefined).reverse();
  const branches: Record<string, { id: string; revisions: string[]; createdAt: string; inCheckout: boolean }[]> = {};
  for (const s of all) (branches[s.branch as string] ??= []).push({ id: s.id, revisions: s.revisions, createdAt: s.createdAt, inCheckout: fitsCheckout(s.revisions, known) });
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
  const known = await checkoutRevisions(ctx.config, ctx.root);
  const { chosen, count } = await branchSnapshotFor(ctx, branch, known);
  if (!chosen) throw noSnapshotFor(branch, count);
  watchContext(ctx);
  const exists = await (await engineFor(ctx.devDb.engine)).exists(ctx.devDb);
  const tag = exists ? await databaseBranch(ctx, known, here ?? branch) : branch;
  const { safety } = await restoreBranchSnapshot(ctx, chosen, tag, (line) => progress(options, `branch restore: ${line}`));
  const where = describeTarget(ctx.devDb, ctx.root);
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'branch restore', branch, restored: chosen.id, revisions: chosen.revisions, database: where, safetySnapshot: safety?.id ?? null },
    summary: [`devdb branch restore: ${where} is back to branch ${branch}'s snapshot ${chosen.id} (${revisionText(chosen)})${safety ? `; what it was before is snapshot ${safety.id} (branch ${tag})` : ''}.`],
  };
}
