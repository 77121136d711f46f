import { closeWhenDone } from '../children.js';
import type { EngineName } from '../schema/model.js';
import type { Engine } from './engine.js';

/** Every engine, one line each; loaded on first use so a SQLite-only run never loads a server driver. */
const REGISTRY: Record<EngineName, () => Promise<Engine>> = {
  sqlite: async () => (await import('./sqlite/engine.js')).sqliteEngine(),
  postgres: async () => (await import('./postgres/engine.js')).postgresEngine(),
  mysql: async () => (await import('./mysql/engine.js')).mysqlEngine(),
};

const engines = new Map<EngineName, Engine>();

/** The engine for `name`, made once. */
export async function engineFor(name: EngineName): Promise<Engine> {
  const loaded = engines.get(name);
  if (loaded) return loaded;
  const engine = await REGISTRY[name]();
  engines.set(name, engine);
  return engine;
}

/** Closes every engine's connections, so the process can exit. */
export async function closeEngines(): Promise<void> {
  const open = [...engines.values()];
  engines.clear();
  await Promise.all(open.map((engine) => engine.close()));
}

closeWhenDone(closeEngines);
