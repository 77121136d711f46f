import path from 'node:path';
import fs from 'fs-extra';
import { versionsFolder } from '../config/project-files.js';
import { engineFor } from '../engines/index.js';
import { fingerprint } from '../engines/fingerprint.js';
import { findSnapshot, restoreSnapshot, type Snapshot } from '../engines/snapshots.js';
import { fileSha256, readState, updateState, type Draft } from '../state.js';
import { detectVcs, isCommitted } from '../vcs/index.js';
import type { CycleContext } from './shared/round-trip.js';
import { shown, type Step, type StepIO } from './step.js';
import { undoDraft } from './shared/undo-draft.js';

/** The script of a revision, by its `revision = '…'` line: a draft whose run was stopped before its file was recorded. */
async function scriptOf(ctx: CycleContext, revision: string): Promise<string | undefined> {
  const folder = path.join(ctx.root, await versionsFolder(ctx.config, ctx.root));
  for (const name of (await fs.readdir(folder).catch(() => [])).filter((n) => n.endsWith('.py'))) {
    if ((await fs.readFile(path.join(folder, name), 'utf8')).includes(`revision = '${revision}'`)) return path.join(folder, name);
  }
  return undefined;
}

/** The previous cycle's draft, if it is still there and not committed. */
export async function pendingDraft(ctx: CycleContext): Promise<Draft | undefined> {
  const state = await readState(ctx.stateDir);
  if (!state.draft) return undefined;
  const draft = { ...state.draft, file: state.draft.file || ((await scriptOf(ctx, state.draft.revision)) ?? '') };
  // A draft deleted by hand still matters if it was applied: the database is at a revision no file describes.
  if (!(await fs.pathExists(draft.file)) && !draft.applied) return undefined;
  const vcs = detectVcs(ctx.root);
  if (vcs && (await isCommitted(vcs, draft.file))) return undefined;
  return draft;
}

/** The draft's pre-apply snapshot, or undefined when it is gone. */
async function preApplySnapshot(ctx: CycleContext, draft: Draft): Promise<Snapshot | undefined> {
  if (!draft.snapshot) return undefined;
  return findSnapshot(ctx.stateDir, ctx.devDb, draft.snapshot).catch(() => undefined);
}

/**
 * Puts the development database back as it was before the draft. An upgrade that
 * failed or was cut short (a snapshot without `applied`) may have left it
 * half-upgraded: the snapshot goes back. An applied draft goes back by the snapshot
 * only if nothing wrote to the database since (its fingerprint still matches);
 * otherwise by the draft's own downgrade, which keeps the rows written since.
 */
async function putBack(ctx: CycleContext, draft: Draft, io: StepIO): Promise<void> {
  const say = (line: string): void => io.output(line);
  if (!draft.applied) {
    if (!draft.snapshot) return;
    await restoreSnapshot(ctx.stateDir, ctx.devDb, await findSnapshot(ctx.stateDir, ctx.devDb, draft.snapshot), { python: ctx.python, say });
    io.output(`development database restored from snapshot ${draft.snapshot} (the upgrade of draft ${draft.revision} had not finished)`);
    return;
  }
  const atDraft = async (): Promise<boolean> => (await (await engineFor(ctx.devDb.engine)).revisions(ctx.devDb)).includes(draft.revision);
  if (draft.undoing && (await atDraft())) {
    // A downgrade stopped before Alembic moved alembic_version (on SQLite it is not one transaction) is put back to where it started, then done again.
    await restoreSnapshot(ctx.stateDir, ctx.devDb, await findSnapshot(ctx.stateDir, ctx.devDb, draft.undoing), { python: ctx.python, say, safety: false });
    io.output(`the previous run was stopped while undoing draft ${draft.revision}; restored snapshot ${draft.undoing}, taken just before, in place`);
  }
  if (!(await atDraft())) {
    io.output(`the development database is no longer at draft ${draft.revision}; nothing to undo there`);
    return;
  }
  const snapshot = await preApplySnapshot(ctx, draft);
  if (snapshot && draft.fingerprint && draft.fingerprint === (await fingerprint(ctx.devDb))) {
    await restoreSnapshot(ctx.stateDir, ctx.devDb, snapshot, { python: ctx.python, say });
    io.output(`the development database is unchanged since draft ${draft.revision} was applied: restored snapshot ${snapshot.id} in place`);
    return;
  }
  const reason = !snapshot
    ? `snapshot ${draft.snapshot ?? '(none)'} from before draft ${draft.revision} was applied is gone`
    : draft.fingerprint
      ? `the development database changed since draft ${draft.revision} was applied`
      : `devdb kept no fingerprint of the development database when draft ${draft.revision} was applied`;
  await undoDraft(ctx, draft, { before: snapshot, reason }, io);
}

/**
 * Iterating: a new cycle replaces the previous uncommitted draft instead of stacking
 * on it. The development database goes back to how it was before the draft (see
 * putBack), and the draft file moves to .devdb/backups (it may hold hand edits).
 */
export const replaceDraft: Step<CycleContext> = {
  id: 'replace-draft',
  title: () => 'replace-draft: replace the previous uncommitted draft',
  skip: async (ctx) => ((await pendingDraft(ctx)) ? false : 'no uncommitted draft'),
  plan: async (ctx) => {
    const draft = await pendingDraft(ctx);
    if (!draft) return ['nothing: no uncommitted draft'];
    return [
      ...(draft.applied
        ? [`undo draft ${draft.revision} on the development database: restore snapshot ${draft.snapshot ?? '(none)'} if nothing wrote to it since, else run its downgrade after a snapshot`]
        : draft.snapshot
          ? [`restore the development database from snapshot ${draft.snapshot}`]
          : []),
      `move ${shown(ctx, draft.file)} to .devdb/backups/`,
    ];
  },
  run: async (ctx, io) => {
    const draft = (await pendingDraft(ctx))!;
    await putBack(ctx, draft, io);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (await fs.pathExists(draft.file)) {
      const edited = draft.sha256 !== undefined && (await fileSha256(draft.file)) !== draft.sha256;
      const backup = path.join(ctx.stateDir, 'backups', `${path.basename(draft.file)}.${stamp}`);
      await fs.move(draft.file, backup);
      if (edited) io.output(`the draft had been edited by hand; it is kept as ${shown(ctx, backup)}`);
    }
    if (draft.appliedScript) await fs.remove(draft.appliedScript);
    await updateState(ctx.stateDir, (state) => {
      delete state.draft;
    });
  },
};
