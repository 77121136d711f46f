import { describe, expect, it } from 'vitest';
import { alembicPreset, CREATE_FROM_MODELS } from '../../src/presets/alembic.js';
import { alembic, formatCommand } from '../../src/presets/command.js';
import { kallithea, kallitheaGearbox } from '../../src/presets/kallithea.js';

const doe = { ini: 'temp.ini', admin: { user: 'doe', email: 'doe@example.com', password: '123456' }, repos: '/var/repos', publicAccess: false, url: 'sqlite:///temp.db', python: '/venv/bin/python' };

describe('the kallithea-gearbox preset speaks the seed’s text', () => {
  it('make-config', () => {
    expect(formatCommand(kallitheaGearbox.makeConfig('temp.ini')!)).toBe('gearbox make-config temp.ini');
  });

  it('setup-db with the admin options, word for word', () => {
    const command = kallitheaGearbox.setupDb(doe);
    expect([command.tool, ...command.args].join(' ')).toBe(
      'gearbox setup-db -c temp.ini --repos=/var/repos --user=doe --email doe@example.com --password=123456 --no-public-access --force-yes',
    );
  });

  it('repo-scan', () => {
    expect(formatCommand(kallitheaGearbox.repoScan('temp.ini')!)).toBe('gearbox repo-scan -c temp.ini');
  });
});

describe('the kallithea preset (kallithea-cli, 0.6+)', () => {
  it('builds config-create, db-create and repo-scan', () => {
    expect(kallithea.makeConfig('temp.ini')).toEqual({ tool: 'kallithea-cli', args: ['config-create', 'temp.ini'] });
    expect(kallithea.setupDb({ ...doe, publicAccess: true }).args).toEqual([
      'db-create', '-c', 'temp.ini', '--user', 'doe', '--password', '123456', '--email', 'doe@example.com', '--repos', '/var/repos', '--force-yes', '--public-access',
    ]);
    expect(kallithea.repoScan('temp.ini')).toEqual({ tool: 'kallithea-cli', args: ['repo-scan', '-c', 'temp.ini'] });
  });

  it('never prints the password', () => {
    expect(formatCommand(kallithea.setupDb(doe))).toBe(
      'kallithea-cli db-create -c temp.ini --user doe --password *** --email doe@example.com --repos /var/repos --force-yes --no-public-access',
    );
    expect(formatCommand(kallitheaGearbox.setupDb(doe))).toContain('--password=***');
  });

  it('quotes paths with spaces and quotes when printing', () => {
    expect(formatCommand(kallithea.repoScan("my dir/it's.ini")!)).toBe(`kallithea-cli repo-scan -c 'my dir/it'\\''s.ini'`);
  });
});

describe('the alembic preset', () => {
  it('copies the development INI and upgrades an empty database to head', () => {
    const preset = alembicPreset();
    expect(preset.makeConfig('temp.ini')).toBeUndefined();
    expect(preset.setupDb(doe)).toEqual(alembic('temp.ini', 'upgrade', 'head'));
    expect(preset.repoScan('temp.ini')).toBeUndefined();
    expect(preset.needsAdmin).toBe(false);
  });

  it("runs the project's own setup command with {config} and {url} filled in", () => {
    const preset = alembicPreset(['python', '-m', 'app.setup', '--config={config}', '{url}']);
    expect(preset.setupDb(doe)).toEqual({ tool: 'python', args: ['-m', 'app.setup', '--config=temp.ini', 'sqlite:///temp.db'] });
    expect(preset.tools).toEqual(['alembic', 'python']);
  });

  it('with setup "models", builds the database from target_metadata with the project\'s Python, then stamps it at head', () => {
    const preset = alembicPreset(undefined, 'models');
    expect(preset.setupDb(doe)).toEqual({ tool: '/venv/bin/python', args: [CREATE_FROM_MODELS, '--stamp', 'temp.ini'] });
    expect(preset.setup).toBe('models');
    expect(alembicPreset().setup).toBe('migrations');
  });
});
