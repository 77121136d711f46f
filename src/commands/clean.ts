import path from 'node:path';
import fs from 'fs-extra';
import { loadConfig } from '../config/load.js';
import type { GlobalOptions } from '../context.js';
import { dropOwned, ownership } from '../engines/ownership.js';
import { serverTarget } from '../engines/targets.js';
import { realFile, type DatabaseTarget } from '../engines/url.js';
import { EXIT } from '../errors.js';
import type { Outcome } from '../report/output.js';
import { readState, updateState, type OwnedDatabase } from '../state.js';

export interface CleanOptions extends GlobalOptions {
  snapshots?: boolean;
}

/** A database of the state as a target: a SQLite file, or a database on a configured server (undefined when its server is not configured). */
function targetOf(entry: { engine: string; key: string }, servers: Record<string, string | undefined>): DatabaseTarget | undefined {
  if (entry.engine === 'sqlite') return { engine: 'sqlite', url: `sqlite:///${entry.key}`, file: entry.key };
  const server = servers[entry.engine];
  if (!server || (entry.engine !== 'postgres' && entry.engine !== 'mysql')) return undefined;
  return serverTarget(entry.engine, server, entry.key.slice(entry.key.lastIndexOf('/') + 1));
}

/** The keys of the snapshots' copies (their files' real paths, their server databases' names), by their metadata in .devdb/snapshots. */
async function snapshotCopies(stateDir: string): Promise<Set<string>> {
  const dir = path.join(stateDir, 'snapshots');
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  const copies = new Set<string>();
  for (const name of names) {
    const meta = (await fs.readJson(path.join(dir, name)).catch(() => undefined)) as { file?: string; database?: string } | undefined;
    if (meta?.file) copies.add(realFile(meta.file));
    if (meta?.database) copies.add(meta.database);
  }
  return copies;
}

/** Whether an owned database is a snapshot: recorded so, or the copy a snapshot's metadata names; never decided by where its path points. */
const isSnapshot = (entry: OwnedDatabase, copies: Set<string>): boolean =>
  entry.role === 'snapshot' || copies.has(entry.key) || copies.has(entry.key.slice(entry.key.lastIndexOf('/') + 1));

/**
 * Drops every throwaway database devdb made for this project — the throwaway,
 * base and model databases on every engine — and, with --snapshots, the
 * snapshots too. A database that is no longer the one devdb made is left alone.
 */
export async function clean(options: CleanOptions): Promise<Outcome> {
  const { root, config } = await loadConfig(options.config, process.cwd());
  const stateDir = path.join(root, '.devdb');
  const dropped: string[] = [];
  const kept: string[] = [];
  const gone = new Set<string>();
  const copies = await snapshotCopies(stateDir);
  for (const entry of (await readState(stateDir)).owned) {
    const snapshot = isSnapshot(entry, copies);
    const target = targetOf(entry, config.servers);
    if (!target) continue;
    // A snapshot a killed run had half made holds nothing to keep, so it goes even without --snapshots.
    if (snapshot && !options.snapshots && (target.file || (await ownership(stateDir, target)) !== 'half-made')) continue;
    const name = target.file ? path.relative(root, target.file) : (target.database as string);
    const result = await dropOwned(stateDir, target);
    if (result === 'foreign') kept.push(name);
    else gone.add(entry.key);
    if (result === 'dropped' || result === 'half-made') dropped.push(name);
  }
  await updateState(stateDir, (state) => {
    state.owned = state.owned.filter((o) => !gone.has(o.key));
  });
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'clean', dropped, kept },
    summary: [
      dropped.length > 0 ? `devdb clean: dropped ${dropped.join(', ')}.` : 'devdb clean: nothing to drop.',
      ...(kept.length > 0 ? [`Left alone (no longer the database devdb made): ${kept.join(', ')}.`] : []),
    ],
  };
}
