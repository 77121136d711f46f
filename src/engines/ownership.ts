import { randomUUID } from 'node:crypto';
import { readState, updateState, type OwnedDatabase } from '../state.js';
import { engineFor } from './index.js';
import { realFile, type DatabaseTarget } from './url.js';

// devdb never deletes a database it did not make. Each one it makes is recorded in
// .devdb/state.json with a marker the database itself carries: a SQLite file's
// identity (inode and birth time), a server database's comment. A database put in
// devdb's place by someone else, or a foreign one with devdb's name, does not match.

/** A database's key in the state: a SQLite file's real path; a server database's URL without credentials or driver. */
const keyOf = (target: DatabaseTarget): string =>
  target.file ? realFile(target.file) : `${target.engine}://${target.url.replace(/^[^:]+:\/\/([^@/]*@)?/, '').replace(/\?.*$/, '')}`;

async function record(stateDir: string, target: DatabaseTarget, identity: string | undefined, role?: OwnedDatabase['role']): Promise<void> {
  const key = keyOf(target);
  await updateState(stateDir, (state) => {
    const entry = { engine: target.engine, key, createdAt: new Date().toISOString(), ...(identity === undefined ? {} : { identity }), ...(role ? { role } : {}) };
    state.owned = [...state.owned.filter((o) => o.key !== key), entry];
  });
}

/**
 * Whose a database is. `owned`: the one devdb made. `half-made`: a server database
 * devdb recorded as making that carries no comment at all, as PostgreSQL leaves one
 * when devdb is killed between CREATE DATABASE and COMMENT ON DATABASE (two statements
 * that cannot share a transaction); nobody else's comment is on it, so it is devdb's.
 * `foreign`: anything else, including a recorded one that now carries another comment.
 */
export async function ownership(stateDir: string, target: DatabaseTarget): Promise<'owned' | 'half-made' | 'foreign'> {
  const key = keyOf(target);
  const entry = (await readState(stateDir)).owned.find((o) => o.key === key);
  if (!entry) return 'foreign';
  if (entry.identity === undefined) return 'owned';
  const marker = await (await engineFor(target.engine)).marker(target);
  if (marker === entry.identity) return 'owned';
  return !target.file && marker === undefined ? 'half-made' : 'foreign';
}

/** Records that devdb created this SQLite file (call before the tools make it, and again after, to record its identity). */
export async function recordOwned(stateDir: string, target: DatabaseTarget, role?: OwnedDatabase['role']): Promise<void> {
  await record(stateDir, target, await (await engineFor(target.engine)).marker(target), role);
}

/**
 * Makes `target` as devdb's: an empty database, or a copy of `source`. The record
 * comes first, so a run killed half-way leaves a database the next run may replace.
 */
export async function makeOwned(stateDir: string, target: DatabaseTarget, source?: DatabaseTarget, role?: OwnedDatabase['role']): Promise<void> {
  const engine = await engineFor(target.engine);
  const marker = target.file ? undefined : `devdb ${randomUUID()}`;
  await record(stateDir, target, marker, role);
  if (source) await engine.copy(source, target, marker ?? '');
  else await engine.create(target, marker ?? '');
  if (target.file) await recordOwned(stateDir, target, role);
}

/** Drops a database devdb made (or half made), and forgets it; one it did not make is left alone (and remembered). */
export async function dropOwned(stateDir: string, target: DatabaseTarget): Promise<'dropped' | 'half-made' | 'missing' | 'foreign'> {
  const engine = await engineFor(target.engine);
  const whose = (await engine.exists(target)) ? await ownership(stateDir, target) : 'missing';
  if (whose === 'foreign') return 'foreign';
  if (whose !== 'missing') await engine.drop(target);
  const key = keyOf(target);
  // Only a state that had the entry is rewritten: a run that dropped nothing leaves .devdb as it was.
  if ((await readState(stateDir)).owned.some((o) => o.key === key)) {
    await updateState(stateDir, (state) => {
      state.owned = state.owned.filter((o) => o.key !== key);
    });
  }
  return whose === 'owned' ? 'dropped' : whose;
}
