import path from 'node:path';
import fs from 'fs-extra';
import { loadConfig } from '../config/load.js';
import { replaceFile } from '../config/replace-file.js';
import { versionsFolder } from '../config/project-files.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { usageError } from '../errors.js';
import { ciVerify } from '../loops/ci.js';
import { headsOf, readRevisionHeader } from '../migration/chain.js';
import { reparentSource } from '../migration/reparent.js';
import { proofOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { baseCommitFor } from '../vcs/base-commit.js';
import { resolveBaseRef, scriptsAt, type BaseRef } from '../vcs/base-ref.js';
import { detectVcs, isCommitted } from '../vcs/index.js';

export interface RebaseOptions extends GlobalOptions {
  onto?: string;
  baseRef?: string;
}

/**
 * Head freshness: the target branch gained a migration after this branch's draft was
 * made, so the project has two heads. Re-parents the branch's newest migration (an
 * uncommitted one first, else one the target branch lacks) onto the other head by
 * rewriting its down_revision line in place, then proves it with the round trip, the
 * base built from a commit whose migrations end at the new parent.
 */
export async function rebase(options: RebaseOptions): Promise<Outcome> {
  const { root, config } = await loadConfig(options.config, process.cwd());
  const vcs = detectVcs(root);
  if (!vcs) throw usageError(`devdb rebase reads the branch's history from git or Mercurial, and ${root} is in neither; edit down_revision by hand there.`);
  const versions = await versionsFolder(config, root);
  const top = (file: string): string => path.relative(vcs.top, path.join(root, file)).split(path.sep).join('/');
  const folder = path.join(root, versions);
  const working = (await fs.readdir(folder)).filter((f) => f.endsWith('.py')).map((f) => readRevisionHeader(top(`${versions}/${f}`), fs.readFileSync(path.join(folder, f), 'utf8')));
  const base: BaseRef | undefined = await resolveBaseRef(vcs, options.baseRef).catch((error: unknown) => {
    if (options.baseRef) throw error;
    return undefined;
  });
  const atTip = base ? await scriptsAt(vcs, base.tip, top(versions)) : [];
  const have = new Set(working.map((h) => h.revision));
  const lacking = atTip.filter((h) => !have.has(h.revision));
  if (lacking.length > 0) throw usageError(`${base?.name} has migrations this branch lacks (${lacking.map((h) => h.file).join(', ')}); merge ${base?.name} into the branch first, then run devdb rebase again.`);
  const heads = headsOf(working);
  const onTip = new Set(atTip.map((h) => h.revision));
  const branchOnly = [];
  for (const header of working.filter((h) => heads.includes(h.revision ?? ''))) {
    const uncommitted = !(await isCommitted(vcs, path.join(vcs.top, header.file)));
    if (uncommitted || (base && !onTip.has(header.revision))) branchOnly.push({ header, uncommitted });
  }
  const moved = (branchOnly.find((b) => b.uncommitted) ?? branchOnly[0])?.header;
  if (!moved) throw usageError(`No head of the migrations is uncommitted or missing from the target branch, so devdb rebase has nothing to move; give the branch with --base-ref if it is not ${vcs.kind === 'hg' ? 'default' : 'origin/HEAD, main or master'}.`);
  if (moved.downRevisions.length !== 1) throw usageError(`${moved.file} is a merge (it follows ${moved.downRevisions.join(', ') || 'nothing'}); devdb rebase moves a migration that follows exactly one other.`);
  const others = heads.filter((h) => h !== moved.revision);
  const onto = options.onto ?? (others.length === 1 ? others[0] : undefined);
  if (!onto) {
    if (others.length === 0) return { exitCode: 0, report: { ok: true, command: 'rebase', migration: moved.file, moved: false }, summary: [`devdb rebase: ${moved.file} is the only head already, so there is nothing to move; if a rebase of it was interrupted, prove it with devdb verify.`] };
    throw usageError(`The migrations have ${heads.length} heads (${heads.join(', ')}); say which one ${moved.file} should follow with --onto REV.`);
  }
  if (!have.has(onto) || onto === moved.revision) throw usageError(`--onto ${onto} is no other revision of this checkout's migrations; give one of ${others.join(', ') || working.map((h) => h.revision).join(', ')}.`);
  const file = path.join(vcs.top, moved.file);
  const { source, from } = reparentSource(fs.readFileSync(file, 'utf8'), onto);
  // All at once: a run killed here leaves the migration as it was or as rebased, never half of it.
  await replaceFile(file, source);
  const header = { ...moved, downRevisions: [onto] };
  const ctx = await loadContext(options, { needPassword: true });
  const revision = await baseCommitFor(vcs, base, header, top(versions));
  const { runs, error } = await ciVerify(ctx, [ctx.engine], revision, (engine) => loadContext({ ...options, engine }, { needPassword: true }), { json: options.json ?? false, verbose: ctx.verbose });
  if (error) throw error;
  const proof = proofOutcome('verify', runs, false, options.debug ?? false);
  return {
    exitCode: proof.exitCode,
    report: { ok: proof.report.ok, command: 'rebase', migration: moved.file, moved: true, from, onto, verify: proof.report },
    summary: [`devdb rebase: ${moved.file} now follows ${onto} (it followed ${from}); only its down_revision and Revises: lines changed.`, ...proof.summary],
  };
}
