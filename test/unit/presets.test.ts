import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPreset } from '../../src/config/detect.js';
import { alembicPreset, CREATE_FROM_MODELS } from '../../src/presets/alembic.js';
import { alembic, formatCommand } from '../../src/presets/command.js';
import { kallitheaGearbox } from '../../src/presets/kallithea-gearbox.js';
import { kallithea } from '../../src/presets/kallithea.js';
import { PRESET_NAMES, PRESETS, presetFor, presetNamed } from '../../src/presets/index.js';
import { IN_PROCESS_TOOLS } from '../../src/python/alembic-server.js';
import { checkPythonVersion } from '../../src/python/version.js';

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

describe('the list of presets', () => {
  const project = (files: string[], tools: string[]): { root: string; python: string } => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-detect-'));
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), '');
    }
    const bin = path.join(root, 'venv', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const tool of ['python', ...tools]) fs.writeFileSync(path.join(bin, tool), '', { mode: 0o755 });
    return { root, python: path.join(bin, 'python') };
  };

  it('names every preset once, and is where devdb.json and the CLI take the names from', () => {
    expect(PRESET_NAMES).toEqual(PRESETS.map((preset) => preset.name));
    expect(new Set(PRESET_NAMES).size).toBe(PRESETS.length);
    expect(PRESET_NAMES).toEqual(['kallithea', 'kallithea-gearbox', 'alembic']);
  });

  it('detects the preset that fits surely, else the first that may', () => {
    const tree = ['kallithea/model/db.py'];
    const detect = (files: string[], tools: string[]): string => {
      const { root, python } = project(files, tools);
      return detectPreset(root, python);
    };
    expect(detect(tree, ['kallithea-cli', 'gearbox'])).toBe('kallithea');
    expect(detect(tree, ['gearbox'])).toBe('kallithea-gearbox');
    expect(detect(tree, [])).toBe('kallithea');
    expect(detect([], ['gearbox'])).toBe('alembic');
    expect(detect([], ['kallithea-cli'])).toBe('kallithea');
  });

  it('lets the helper run every preset tool it names in-process, and alembic', () => {
    expect([...IN_PROCESS_TOOLS].sort()).toEqual(['alembic', 'gearbox', 'kallithea-cli']);
  });

  it('shapes only the alembic preset by the settings of devdb.json', () => {
    expect(presetFor({ preset: 'kallithea', setup: 'models' })).toBe(presetNamed('kallithea'));
    expect(presetFor({ preset: 'alembic', setup: 'models' }).setup).toBe('models');
    expect(presetFor({ preset: 'alembic', setupCommand: ['make-db'] }).tools).toEqual(['alembic', 'make-db']);
  });

  it("adds what a preset's tools need of the Python to what devdb needs", () => {
    expect(() => checkPythonVersion('/venv/bin/python', [2, 7], 'kallithea')).toThrow(/Kallithea 0\.6 and later \(the kallithea preset\) needs Python 3\.6\+/);
    expect(() => checkPythonVersion('/venv/bin/python', [2, 7], 'kallithea-gearbox')).not.toThrow();
    expect(() => checkPythonVersion('/venv/bin/python', [2, 6], 'alembic')).toThrow(/devdb's helper and migration reader needs Python 2\.7 or 3\.6\+/);
  });
});
