import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { usageError } from './errors.js';

/** Who holds a project's lock: written into .devdb/lock by the run that took it. */
export interface LockHolder {
  pid: number;
  command: string;
  startedAt: string;
  hostname: string;
}

/** A lock this process holds; release() is idempotent and synchronous, so it also runs on exit. */
export interface Lock {
  file: string;
  holder: LockHolder;
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another run to finish before refusing. */
  waitSeconds: number;
  /** One line for the person, said once when waiting starts and when a stale lock is taken over. */
  say(line: string): void;
}

/** Seconds a run waits for another by default (--wait, DEVDB_WAIT). */
export const DEFAULT_WAIT_SECONDS = 30;

export const lockFile = (stateDir: string): string => path.join(stateDir, 'lock');

const describe = (holder: LockHolder): string =>
  `devdb ${holder.command} (pid ${holder.pid}${holder.hostname === os.hostname() ? '' : ` on ${holder.hostname}`}, started ${holder.startedAt.replace('T', ' ').slice(0, 19)} UTC)`;

function readHolder(file: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    if (typeof holder.pid === 'number' && typeof holder.command === 'string' && typeof holder.startedAt === 'string' && typeof holder.hostname === 'string') {
      return holder as LockHolder;
    }
  } catch {
    // reported as unreadable
  }
  return 'unreadable';
}

/** Whether the holder's process is gone. A lock from another host is never presumed dead. */
function isDead(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Creates `file` with `text` atomically: written under a private name, then hard-linked (fails if it exists). */
function createExclusive(file: string, text: string): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, text);
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Removes a stale lock, unless another run replaced it meanwhile: a takeover is itself
 * guarded by an exclusive file, so two runs that both saw the dead holder cannot remove
 * each other's fresh lock.
 */
function removeStale(file: string, stale: string): boolean {
  const guard = `${file}.takeover`;
  try {
    if (Date.now() - fs.statSync(guard).mtimeMs > 10_000) fs.rmSync(guard, { force: true });
  } catch {
    // no guard left behind
  }
  if (!createExclusive(guard, String(process.pid))) return false;
  try {
    let now: string | undefined;
    try {
      now = fs.readFileSync(file, 'utf8');
    } catch {
      now = undefined;
    }
    if (now !== stale) return false;
    fs.rmSync(file, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/**
 * Takes the project's lock (.devdb/lock), so two runs never write the same databases.
 * A run that finds the lock held waits, saying so once, up to `waitSeconds`, then
 * refuses naming the holder; a lock whose process is dead is taken over, saying so.
 */
export async function acquireLock(stateDir: string, command: string, options: LockOptions): Promise<Lock> {
  const file = lockFile(stateDir);
  const holder: LockHolder = { pid: process.pid, command, startedAt: new Date().toISOString(), hostname: os.hostname() };
  const text = `${JSON.stringify(holder)}\n`;
  try {
    fs.mkdirSync(stateDir, { recursive: true });
  } catch (error) {
    throw usageError(`devdb cannot create its folder ${stateDir} (${(error as NodeJS.ErrnoException).code}); make the project folder writable for you.`);
  }
  const deadline = Date.now() + options.waitSeconds * 1000;
  let waiting = false;
  for (;;) {
    try {
      if (createExclusive(file, text)) break;
    } catch (error) {
      throw usageError(`devdb cannot write its lock ${file} (${(error as NodeJS.ErrnoException).code}); make ${stateDir} writable for you.`);
    }
    let current: string;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // released between our attempt and this read
    }
    const other = readHolder(file);
    if (other === 'missing') continue;
    if (other === 'unreadable' || isDead(other)) {
      if (removeStale(file, current)) {
        options.say(
          other === 'unreadable'
            ? `devdb: the lock ${file} was unreadable; taking it over.`
            : `devdb: ${describe(other)} is no longer running; taking over its lock.`,
        );
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw usageError(
        `${describe(other)} is still working on this project; wait for it to finish (or give --wait SECONDS), and if no such process exists, delete ${file}.`,
      );
    }
    if (!waiting) {
      waiting = true;
      options.say(`devdb: waiting for ${describe(other)} to finish (up to ${options.waitSeconds} s)…`);
    }
    await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
  }
  let released = false;
  return {
    file,
    holder,
    release(): void {
      if (released) return;
      released = true;
      const now = readHolder(file);
      if (typeof now === 'object' && now.pid === holder.pid && now.startedAt === holder.startedAt) fs.rmSync(file, { force: true });
    },
  };
}
