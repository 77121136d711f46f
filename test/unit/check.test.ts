import { describe, expect, it } from 'vitest';
import { removeIniKey, setIniValue } from '../../src/config/ini-edit.js';
import { globToRegExp, modelMatcher } from '../../src/config/project-files.js';
import { chainProblems, headsOf, readRevisionHeader } from '../../src/migration/chain.js';
import { parseHgStatus, parseNameStatus } from '../../src/vcs/changes.js';
import { shellQuote } from '../../src/vcs/hooks.js';

describe('reading the change about to be committed', () => {
  it('parses git --name-status -z, renames and copies by their new path, names with spaces and newlines intact', () => {
    const output = 'M\0app/models.py\0A\0migrations/versions/0002 new\nname.py\0R100\0old.py\0new.py\0C75\0a.py\0b.py\0D\0gone.py\0';
    expect(parseNameStatus(output)).toEqual([
      { status: 'M', path: 'app/models.py' },
      { status: 'A', path: 'migrations/versions/0002 new\nname.py' },
      { status: 'A', path: 'new.py' },
      { status: 'C', path: 'b.py' },
      { status: 'D', path: 'gone.py' },
    ]);
    expect(parseNameStatus('')).toEqual([]);
  });

  it('parses hg status -0', () => {
    expect(parseHgStatus('M kallithea/model/db.py\0A kallithea/alembic/versions/x y.py\0R old.py\0')).toEqual([
      { status: 'M', path: 'kallithea/model/db.py' },
      { status: 'A', path: 'kallithea/alembic/versions/x y.py' },
      { status: 'R', path: 'old.py' },
    ]);
  });
});

describe('model files', () => {
  it('globs: ** spans folders, * does not', () => {
    expect(globToRegExp('**/models.py').test('models.py')).toBe(true);
    expect(globToRegExp('**/models.py').test('app/deep/models.py')).toBe(true);
    expect(globToRegExp('**/models/*.py').test('app/models/user.py')).toBe(true);
    expect(globToRegExp('**/models/*.py').test('app/models/sub/user.py')).toBe(false);
    expect(globToRegExp('app/model?.py').test('app/models.py')).toBe(true);
    expect(globToRegExp('a.b/*.py').test('axb/c.py')).toBe(false);
  });

  it('defaults per preset, and devdb.json "models" wins', () => {
    expect(modelMatcher({ preset: 'kallithea' })('kallithea/model/db.py')).toBe(true);
    expect(modelMatcher({ preset: 'kallithea' })('kallithea/model/repo.py')).toBe(false);
    expect(modelMatcher({ preset: 'alembic' })('app/models.py')).toBe(true);
    expect(modelMatcher({ preset: 'alembic', models: ['./src/schema.py'] })('src/schema.py')).toBe(true);
    expect(modelMatcher({ preset: 'alembic', models: ['./src/schema.py'] })('app/models.py')).toBe(false);
  });
});

describe('the revision chain, read without Python', () => {
  it('reads plain, annotated, None and merge assignments, ignoring comments and docstrings', () => {
    const kallithea = `"""db: step\n\nRevision ID: 151b4a4e8c48\nRevises: b74907136bc1\n"""\nrevision = '151b4a4e8c48'\ndown_revision = 'b74907136bc1'  # parent\n`;
    expect(readRevisionHeader('k.py', kallithea)).toEqual({ file: 'k.py', revision: '151b4a4e8c48', downRevisions: ['b74907136bc1'] });
    const annotated = `revision: str = "0002"\ndown_revision: Union[str, Sequence[str], None] = "0001"\n`;
    expect(readRevisionHeader('a.py', annotated)).toMatchObject({ revision: '0002', downRevisions: ['0001'] });
    expect(readRevisionHeader('f.py', "revision = '0001'\ndown_revision = None\n")).toMatchObject({ downRevisions: [] });
    expect(readRevisionHeader('m.py', "revision = 'm'\ndown_revision = ('a', 'b')\n")).toMatchObject({ downRevisions: ['a', 'b'] });
    expect(readRevisionHeader('x.py', 'import os\n')).toMatchObject({ revision: null });
    // Alembic takes any string: dots, leading zeros, a merge's parents over several lines.
    expect(readRevisionHeader('d.py', "revision: str = 'v3.2.0.a'\ndown_revision: Union[str, None] = 'v3.1.9'\n")).toMatchObject({ revision: 'v3.2.0.a', downRevisions: ['v3.1.9'] });
    const merge = "revision = '0003'\ndown_revision = (\n    '0002.a',  # one branch\n    '0002.b',\n)\nbranch_labels = None\n";
    expect(readRevisionHeader('merge.py', merge)).toMatchObject({ revision: '0003', downRevisions: ['0002.a', '0002.b'] });
  });

  const h = (revision: string | null, ...downRevisions: string[]) => ({ file: `${revision}.py`, revision, downRevisions });

  it('a migration on the head is fine; a missing parent, a second head or no revision is a problem', () => {
    const base = [h('1'), h('2', '1')];
    const good = h('3', '2');
    expect(chainProblems([...base, good], [good])).toEqual([]);
    const orphan = h('3', 'zz');
    expect(chainProblems([...base, orphan], [orphan])).toEqual(['3.py follows revision zz, which no migration has; set its down_revision to the current head.']);
    const fork = h('3', '1');
    expect(chainProblems([...base, fork], [fork])[0]).toMatch(/^The migrations would have 2 heads \(2, 3\)/);
    const nameless = h(null, '2');
    expect(chainProblems([...base, nameless], [nameless])[0]).toMatch(/assigns no revision/);
  });

  it('a project that already had two heads is not blamed on the new migration; a merge is fine', () => {
    const base = [h('1'), h('2', '1'), h('3', '1')];
    const merge = h('4', '2', '3');
    expect(headsOf([...base, merge])).toEqual(['4']);
    expect(chainProblems([...base, merge], [merge])).toEqual([]);
    const onTop = h('4', '2');
    expect(chainProblems([...base, onTop], [onTop])).toEqual([]);
  });
});

describe('hook files', () => {
  it('shell-quotes any path', () => {
    expect(shellQuote("/tmp/devdb x 'ü")).toBe(`'/tmp/devdb x '\\''ü'`);
  });

  it('removes exactly the key devdb set, and the [hooks] section devdb added', () => {
    const original = '[ui]\r\nusername = me\r\n# keep\r\n';
    const added = setIniValue(original, 'hooks', 'pretxncommit.devdb', 'cd x && devdb check');
    expect(added).toContain('[hooks]\r\npretxncommit.devdb = cd x && devdb check');
    expect(removeIniKey(added, 'hooks', 'pretxncommit.devdb', { dropEmptySection: true })).toBe(original);
    const shared = '[hooks]\nchangegroup = true\n';
    const both = setIniValue(shared, 'hooks', 'pretxncommit.devdb', 'devdb check');
    expect(removeIniKey(both, 'hooks', 'pretxncommit.devdb', { dropEmptySection: true })).toBe(shared);
    expect(removeIniKey(shared, 'hooks', 'pretxncommit.devdb', { dropEmptySection: false })).toBe(shared);
  });
});
