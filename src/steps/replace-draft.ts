import path from 'node:path';
import fs from 'fs-extra';
import { findSnapshot, restoreSnapshot } from '../engines/snapshots.js';
import { versionsFolder } from '../config/project-files.js';
import { readState, updateState, type Draft } from '../state.js';
import { detectVcs, isCommitted } from '../vcs/index.js';
import type { CycleContext } from './round-trip.js';
import { shown, type Step } from './step.js';

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

/**
 * Iterating: a new cycle replaces the previous uncommitted draft instead of stacking
 * on it. The development database goes back to its snapshot from before the draft
 * was applied, and the draft file moves to .devdb/backups (it may hold hand edits).
 */
export const replaceDraft: Step<CycleContext> = {
  id: 'replace-draft',
  title: () => 'Replace the previous uncommitted draft',
  skip: async (ctx) => ((await pendingDraft(ctx)) ? false : 'no uncommitted draft'),
  plan: async (ctx) => {
    const draft = await pendingDraft(ctx);
    if (!draft) return ['nothing: no uncommitted draft'];
    return [
      ...(draft.snapshot ? [`restore the development database from snapshot ${draft.snapshot}`] : []),
      `move ${shown(ctx, draft.file)} to .devdb/backups/`,
    ];
  },
  run: async (ctx, io) => {
    const draft = (await pendingDraft(ctx))!;
    // A snapshot without `applied` is an upgrade that failed or was cut short: the database may be half-upgraded.
    if (draft.snapshot) {
      await restoreSnapshot(ctx.stateDir, ctx.devDb, await findSnapshot(ctx.stateDir, ctx.devDb, draft.snapshot));
      io.output(`development database restored from snapshot ${draft.snapshot}`);
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (await fs.pathExists(draft.file)) await fs.move(draft.file, path.join(ctx.stateDir, 'backups', `${path.basename(draft.file)}.${stamp}`));
    await updateState(ctx.stateDir, (state) => {
      delete state.draft;
    });
  },
};
