import { closeWhenDone } from '../children.js';
import type { EngineName } from '../schema/model.js';
import type { Engine } from './engine.js';

/** Every engine, one line each; loaded on first use so a SQLite-only run never loads a server driver. */
const REGISTRY: Record<EngineName, () => Promise<Engine>> = {
  sqlite: async () => (await import('./sqlite/engine.js')).sqliteEngine(),
  postgres: async () => (await import('./postgres/engine.js')).postgresEngine(),
  mysql: async () => (await import('./mysql/engine.js')).mysqlEngine(),
};

// The promise is kept, not the engine: callers that ask at once (engines side by side, a
// driver warming while a step starts) share one engine and so one set of server pools.
const engines = new Map<EngineName, Promise<Engine>>();

/** The engine for `name`, made once. */
export function engineFor(name: EngineName): Promise<Engine> {
  let engine = engines.get(name);
  if (!engine) {
    engine = REGISTRY[name]();
    engines.set(name, engine);
  }
  return engine;
}

/** Closes every engine's connections, so the process can exit. */
export async function closeEngines(): Promise<void> {
  const made = [...engines.values()];
  engines.clear();
  // One whose module failed to load has nothing open; its caller was told.
  const open = await Promise.all(made.map((engine) => engine.catch(() => undefined)));
  await Promise.all(open.map((engine) => engine?.close()));
}

closeWhenDone(closeEngines);
