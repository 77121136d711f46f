import type { Engine } from './engine.js';
import type { EngineName } from '../schema/model.js';

const engines = new Map<EngineName, Engine>();

/** The engine for `name`, loaded on first use so a SQLite-only run never loads a server driver. */
export async function engineFor(name: EngineName): Promise<Engine> {
  const loaded = engines.get(name);
  if (loaded) return loaded;
  const engine =
    name === 'sqlite'
      ? (await import('./sqlite/engine.js')).sqliteEngine()
      : name === 'postgres'
        ? (await import('./postgres/engine.js')).postgresEngine()
        : (await import('./mysql/engine.js')).mysqlEngine();
  engines.set(name, engine);
  return engine;
}

/** Closes every engine's connections, so the process can exit. */
export async function closeEngines(): Promise<void> {
  const open = [...engines.values()];
  engines.clear();
  await Promise.all(open.map((engine) => engine.close()));
}
