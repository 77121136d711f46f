import { describe, expect, it } from 'vitest';
import { closeEngines, engineFor } from '../../src/engines/index.js';

// Engines side by side and a driver warming while a step starts ask for an engine at once:
// they must share one, or a server engine's second set of pools is never closed and holds
// connections a copy by CREATE DATABASE … TEMPLATE then finds on its source.

describe('the engine registry', () => {
  it('gives callers that ask at once the same engine, and a new one after closing', async () => {
    const [first, second, third] = await Promise.all([engineFor('postgres'), engineFor('postgres'), engineFor('sqlite').then(() => engineFor('postgres'))]);
    expect(second).toBe(first);
    expect(third).toBe(first);
    await closeEngines();
    expect(await engineFor('postgres')).not.toBe(first);
    await closeEngines();
  });
});
