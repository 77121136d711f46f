import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';

const base = { preset: 'kallithea', python: '../venv/bin/python', devIni: 'development.ini' };

describe('devdb.json validation', () => {
  it('fills defaults', () => {
    expect(validateConfig(base, 'devdb.json')).toMatchObject({ throwawayIni: 'temp.ini', throwawayDb: 'temp.db', publicAccess: false, admin: { user: 'admin' } });
  });

  it('names the file, the key, the value and what is allowed', () => {
    expect(() => validateConfig({ ...base, preset: 'django' }, '/p/devdb.json')).toThrow(
      '/p/devdb.json: "preset" is "django", which is not allowed; allowed: "kallithea", "kallithea-gearbox", "alembic".',
    );
    expect(() => validateConfig({ ...base, admin: { email: 'nope' } }, 'devdb.json')).toThrow(/"admin.email" is "nope".*email address/);
    expect(() => validateConfig({ ...base, publicAccess: 'yes' }, 'devdb.json')).toThrow(/"publicAccess" is "yes".*must be a boolean/);
    expect(() => validateConfig({ preset: 'alembic' }, 'devdb.json')).toThrow(/"python" is missing/);
    expect(() => validateConfig({ ...base, pyhton: 'x' }, 'devdb.json')).toThrow(/unknown key "pyhton"/);
  });

  it('never echoes a stored password', () => {
    expect(() => validateConfig({ ...base, admin: { password: 42 } }, 'devdb.json')).toThrow(/"admin.password" is \*\*\*/);
  });
});
