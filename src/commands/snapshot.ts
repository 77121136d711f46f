import Table from 'cli-table3';
import { loadContext, type GlobalOptions } from '../context.js';
import { findSnapshot, keepNewestSnapshots, listSnapshots, restoreSnapshot } from '../engines/snapshots.js';
import { describeTarget } from '../engines/url.js';
import { EXIT } from '../errors.js';
import { watchContext } from '../interrupt.js';
import type { Outcome } from '../report/output.js';

const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`;

/** Lists the development database's snapshots, newest last, and their total size. */
export async function snapshotList(options: GlobalOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: false });
  const snapshots = await listSnapshots(ctx.stateDir, ctx.devDb);
  const table = new Table({ head: ['id', 'taken', 'revision', 'size or database', 'why'], style: { head: [], border: [] } });
  for (const s of snapshots) table.push([s.id, s.createdAt.replace('T', ' ').slice(0, 19), s.revisions.join(', ') || '—', s.bytes === undefined ? (s.database ?? '') : kib(s.bytes), s.reason]);
  const totalBytes = snapshots.reduce((sum, s) => sum + (s.bytes ?? 0), 0);
  const total = `${snapshots.length} snapshot${snapshots.length === 1 ? '' : 's'}${totalBytes > 0 ? `, ${kib(totalBytes)} in total` : ''}; devdb keeps the newest ${ctx.config.snapshots.keep} ("snapshots": {"keep": N} in devdb.json) and the one an applied, uncommitted draft needs.`;
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'snapshot list', snapshots, totalBytes },
    summary: snapshots.length > 0 ? [table.toString(), total] : ['No snapshots yet: devdb takes one each time it changes the development database.'],
  };
}

/** Puts a snapshot back as the development database (after snapshotting the current one). */
export async function snapshotRestore(id: string, options: GlobalOptions): Promise<Outcome> {
  const ctx = await loadContext(options, { needPassword: false });
  watchContext(ctx);
  const snapshot = await findSnapshot(ctx.stateDir, ctx.devDb, id);
  const safety = await restoreSnapshot(ctx.stateDir, ctx.devDb, snapshot, { python: ctx.python, say: (line) => process.stderr.write(`devdb: ${line}\n`) });
  await keepNewestSnapshots(ctx.stateDir, ctx.devDb, ctx.config.snapshots.keep);
  const where = describeTarget(ctx.devDb, ctx.root);
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'snapshot restore', restored: snapshot.id, database: where, safetySnapshot: safety?.id ?? null },
    summary: [`devdb snapshot restore: ${where} is back to snapshot ${snapshot.id} (${snapshot.revisions.join(', ') || 'no revision'})${safety ? `; what it was before is snapshot ${safety.id}` : ''}.`],
  };
}
