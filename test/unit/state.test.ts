import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState, updateState } from '../../src/state.js';

describe('.devdb/state.json', () => {
  it('updates made at once (engines proven side by side record their databases together) are all kept', async () => {
    const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-state-')), '.devdb');
    const keys = Array.from({ length: 20 }, (_, i) => `db${i}`);
    await Promise.all(keys.map((key) => updateState(stateDir, (state) => void state.owned.push({ engine: 'postgres', key, createdAt: 'now' }))));
    expect((await readState(stateDir)).owned.map((o) => o.key).sort()).toEqual([...keys].sort());
    expect(fs.readdirSync(stateDir)).toEqual(['state.json']);
    fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
  });

  it('a change that throws fails its own update only', async () => {
    const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-state-')), '.devdb');
    const failing = updateState(stateDir, () => {
      throw new Error('no');
    });
    const next = updateState(stateDir, (state) => void state.owned.push({ engine: 'mysql', key: 'kept', createdAt: 'now' }));
    await expect(failing).rejects.toThrow('no');
    await next;
    expect((await readState(stateDir)).owned.map((o) => o.key)).toEqual(['kept']);
    fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
  });
});
