import { describe, expect, it } from 'vitest';
import { checkPythonVersion, versionInConfig, versionInName } from '../../src/python/version.js';

describe("the project's Python version", () => {
  it('is read from pyvenv.cfg (venv and virtualenv) and from the interpreter file name', () => {
    expect(versionInConfig('home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n')).toEqual([3, 11]);
    expect(versionInConfig('home = /x\nimplementation = CPython\nversion_info = 2.7.18.final.0\nvirtualenv = 20.15.1\n')).toEqual([2, 7]);
    expect(versionInConfig('virtualenv = 20.15.1\n')).toBeUndefined();
    expect(versionInName('/usr/bin/python3.12')).toEqual([3, 12]);
    expect(versionInName('/venv/bin/python')).toBeUndefined();
  });

  it('is checked against what each part needs, in one sentence', () => {
    for (const ok of [[2, 7], [3, 6], [3, 13]] as const) expect(() => checkPythonVersion('py', [...ok], 'alembic')).not.toThrow();
    expect(() => checkPythonVersion('/venv/bin/python', [3, 5], 'alembic')).toThrow(
      `The project's Python /venv/bin/python is Python 3.5, but devdb's helper and migration reader needs Python 2.7 or 3.6+; point "python" in devdb.json at one with "devdb init --yes --force --python PATH".`,
    );
    expect(() => checkPythonVersion('py', [2, 6], 'kallithea-gearbox')).toThrow('needs Python 2.7 or 3.6+');
    expect(() => checkPythonVersion('py', [2, 7], 'kallithea-gearbox')).not.toThrow();
    expect(() => checkPythonVersion('py', [2, 7], 'kallithea')).toThrow('is Python 2.7, but Kallithea 0.6 and later (the kallithea preset) needs Python 3.6+');
  });
});
