import { setTimeout as sleep } from 'node:timers/promises';

// Every tool devdb starts is registered here, so that a stop (Ctrl-C, a signal,
// --timeout) can end them all. It imports nothing of devdb's, so any layer may
// register a child without reaching up to the interrupt handler.

export interface Child {
  kill(signal?: NodeJS.Signals): boolean;
  then(onFulfilled: () => void, onRejected: () => void): unknown;
}

const children = new Set<Child>();
let stopping = false;

/** Registers a tool devdb started, so a stop ends it (one started after the stop began is killed at once). */
export function trackChild(child: Child): void {
  children.add(child);
  const forget = (): void => void children.delete(child);
  child.then(forget, forget);
  if (stopping) child.kill('SIGKILL');
}

/** Stops every tool: SIGTERM, then SIGKILL for any still running after 3 s. Returns how many were running. */
export async function stopChildren(): Promise<number> {
  stopping = true;
  const running = [...children];
  for (const child of running) child.kill('SIGTERM');
  const settled = Promise.all(running.map((c) => new Promise<void>((resolve) => c.then(resolve, resolve))));
  if ((await Promise.race([settled.then(() => true), sleep(3000).then(() => false)])) === false) {
    for (const child of running) child.kill('SIGKILL');
    await settled;
  }
  return running.length;
}

const closers: (() => unknown)[] = [];

/**
 * Registers what must be closed once a command is done (the helpers' processes, the engines'
 * pools), by the module that can open it, when it loads: the command line closes what was
 * loaded and loads nothing to close what never was.
 */
export function closeWhenDone(close: () => unknown): void {
  closers.push(close);
}

/** Closes everything registered, in the order it was, each once per call. */
export async function closeAll(): Promise<void> {
  for (const close of closers) await close();
}
