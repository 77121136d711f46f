import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, query, type Testbed } from '../support/devdb.js';

interface Report {
  ok: boolean;
  steps: { id: string; status: string; cached?: boolean; title: string }[];
  cache: { hit: boolean };
}

describe('the reset cache on the Kallithea testbed', () => {
  let tb: Testbed & { env: Record<string, string> };
  const run = (args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });
  const temp = () => path.join(tb.root, 'temp.db');

  /** `devdb reset --json`, which must pass; its report. */
  const reset = async (...flags: string[]): Promise<Report> => {
    const result = await run(['reset', '--json', ...flags]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(tb.adminPassword);
    return JSON.parse(result.stdout) as Report;
  };
  const built = (report: Report) => report.steps.filter((s) => s.id === 'setup-db' || s.id === 'repo-scan').map((s) => `${s.id}:${s.status}${s.cached ? ':cached' : ''}`);
  const RAN = ['setup-db:passed', 'repo-scan:passed'];
  const SERVED = ['setup-db:passed:cached', 'repo-scan:passed:cached'];

  /** A change to one input makes the next reset run the tools (and see the change); the one after is served again. */
  async function expectInvalidatedBy(change: () => void | Promise<void>, undo: () => void | Promise<void>, seen?: () => Promise<void>): Promise<void> {
    // The cache keeps the newest few databases: the state before the change may need building again first.
    await reset();
    expect(built(await reset())).toEqual(SERVED);
    await change();
    try {
      const after = await reset();
      expect(after.cache.hit).toBe(false);
      expect(built(after)).toEqual(RAN);
      await seen?.();
      expect(built(await reset())).toEqual(SERVED);
    } finally {
      await undo();
    }
  }

  beforeAll(async () => {
    tb = await kallitheaTestbed();
    expect(built(await reset())).toEqual(RAN);
  });

  it('an unchanged reset restores the cached database: setup-db and repo-scan say so, and it is the same database', async () => {
    const result = await run(['reset']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/setup-db: restore temp\.db from the cache \(\.devdb\/cache\/reset\/[0-9a-f]+\.db, built .* UTC\); nothing it depends on changed/);
    expect(result.stdout).toContain('repo-scan: served from the cache');
    expect(result.stdout).toContain('devdb reset: throwaway database temp.db restored from the cache');
    const report = await reset();
    expect(report.cache.hit).toBe(true);
    expect(built(report)).toEqual(SERVED);
    expect(await query(temp(), "select username, admin from users where username = 'admin'")).toEqual([{ username: 'admin', admin: 1 }]);
    const repos = await query<{ repo_name: string }>(temp(), 'select repo_name from repositories order by repo_name');
    expect(repos.map((r) => r.repo_name)).toEqual([...tb.sampleRepos].sort());
    expect(await query(temp(), 'select version_num from alembic_version')).toEqual([{ version_num: tb.head }]);
    // devdb made the restored file, so the next reset may delete it.
    expect((await run(['reset'])).exitCode).toBe(0);
  });

  it('the cache holds no password, and --verbose shows what the tools printed when they built it', async () => {
    const cache = path.join(tb.root, '.devdb', 'cache', 'reset');
    for (const file of fs.readdirSync(cache)) expect(fs.readFileSync(path.join(cache, file)).includes(tb.adminPassword)).toBe(false);
    const verbose = await run(['reset', '--verbose']);
    expect(verbose.stdout).toContain('(from the cache: what setup-db printed when it built this database)');
    expect(verbose.stdout).toContain('Database set up successfully.');
  });

  it('--no-cache runs setup-db and repo-scan', async () => {
    expect(built(await reset('--no-cache'))).toEqual(RAN);
  });

  it('is invalidated by a change to the models', async () => {
    const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
    const original = fs.readFileSync(dbPy, 'utf8');
    await expectInvalidatedBy(
      () => editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    cache_probe = Column(Unicode(40), nullable=True)'),
      () => fs.writeFileSync(dbPy, original),
      async () => {
        const columns = await query<{ name: string }>(temp(), "select name from pragma_table_info('repositories')");
        expect(columns.map((c) => c.name)).toContain('cache_probe');
      },
    );
  });

  it('is invalidated by a new migration file', async () => {
    const script = path.join(tb.root, 'kallithea', 'alembic', 'versions', 'cacheprobe01_cache_probe.py');
    await expectInvalidatedBy(
      () =>
        fs.writeFileSync(
          script,
          `"""cache probe\n\nRevision ID: cacheprobe01\nRevises: ${tb.head}\n"""\nrevision = 'cacheprobe01'\ndown_revision = '${tb.head}'\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`,
        ),
      () => fs.rmSync(script),
      async () => expect(await query(temp(), 'select version_num from alembic_version')).toEqual([{ version_num: 'cacheprobe01' }]),
    );
  });

  it('is invalidated by a change to devdb.json', async () => {
    const file = path.join(tb.root, 'devdb.json');
    const original = fs.readFileSync(file, 'utf8');
    const config = JSON.parse(original);
    await expectInvalidatedBy(
      () => fs.writeFileSync(file, JSON.stringify({ ...config, admin: { ...config.admin, email: 'cache-probe@example.com' } }, null, 2)),
      () => fs.writeFileSync(file, original),
      async () => expect(await query(temp(), "select email from users where username = 'admin'")).toEqual([{ email: 'cache-probe@example.com' }]),
    );
  });

  it('is invalidated by a change to the throwaway INI', async () => {
    const file = path.join(tb.root, 'temp.ini');
    const original = fs.readFileSync(file, 'utf8');
    await expectInvalidatedBy(
      () => fs.writeFileSync(file, original.replace('[app:main]\n', '[app:main]\n# cache probe: an edit by hand\n')),
      () => fs.writeFileSync(file, original),
    );
  });

  it("is invalidated by a change to the tools' versions (Kallithea's installed version)", async () => {
    const site = path.join(tb.venv, 'lib', fs.readdirSync(path.join(tb.venv, 'lib')).find((d) => d.startsWith('python')) as string, 'site-packages');
    const record = fs.readdirSync(site).find((d) => /^Kallithea-.*\.dist-info$/.test(d)) as string;
    const metadata = (dir: string) => path.join(site, dir, 'METADATA');
    const original = fs.readFileSync(metadata(record), 'utf8');
    const bumped = record.replace(/^Kallithea-([^-]+)\.dist-info$/, 'Kallithea-$1.post1.dist-info');
    const pipVersion = async () => (await execa(tb.python, ['-c', 'import importlib.metadata as m; print(m.version("Kallithea"))'])).stdout.trim();
    await expectInvalidatedBy(
      async () => {
        fs.renameSync(path.join(site, record), path.join(site, bumped));
        fs.writeFileSync(metadata(bumped), original.replace(/^Version: (.*)$/m, 'Version: $1.post1'));
        expect(await pipVersion()).toBe(`${tb.kallitheaVersion}.post1`);
      },
      () => {
        fs.writeFileSync(metadata(bumped), original);
        fs.renameSync(path.join(site, bumped), path.join(site, record));
      },
    );
    expect(await pipVersion()).toBe(tb.kallitheaVersion);
  });

  it('is invalidated by a change to the repositories folder, and the new repository is scanned', async () => {
    const added = path.join(tb.repos, 'cache-probe.git');
    await expectInvalidatedBy(
      async () => {
        await execa('git', ['init', '--quiet', '--bare', added]);
      },
      () => fs.rmSync(added, { recursive: true, force: true }),
      async () => {
        const repos = await query<{ repo_name: string }>(temp(), 'select repo_name from repositories order by repo_name');
        expect(repos.map((r) => r.repo_name)).toContain('cache-probe.git');
      },
    );
  });

  it("cycle's model database comes from the cache when the models are those of the last reset, and from create_all after a change; verify's too with the draft in place", async () => {
    const dbPy = path.join(tb.root, 'kallithea', 'model', 'db.py');
    const versions = path.join(tb.root, 'kallithea', 'alembic', 'versions');
    const original = fs.readFileSync(dbPy, 'utf8');
    const drafts = () => fs.readdirSync(versions).filter((f) => f.endsWith('_cache_probe_cycle.py'));
    const cycle = async () => {
      const result = await run(['cycle', '--no-apply', '--verbose', '-m', 'cache probe cycle']);
      expect(result.exitCode, result.stderr).toBe(0);
      const [draft] = drafts();
      expect(fs.readFileSync(path.join(versions, draft as string), 'utf8')).toContain('cycle_probe');
      fs.rmSync(path.join(versions, draft as string));
      return result.stdout;
    };
    editModels(tb.root, '    repo_name = Column(Unicode(255), nullable=False, unique=True)', '    cycle_probe = Column(Unicode(40), nullable=True)');
    try {
      const changed = await cycle();
      expect(changed).not.toContain('setup-db served from the cache');
      expect(changed).toContain('built with create_all from the models');
      expect(changed).not.toContain('Database set up successfully.');
      expect(built(await reset())).toEqual(RAN);
      const unchanged = await cycle();
      expect(unchanged).toMatch(/setup-db served from the cache \(\.devdb\/cache\/reset\/[0-9a-f]+\.db\): nothing it depends on changed since a reset built it/);
      expect(unchanged).not.toContain('Database set up successfully.');
      expect(unchanged).not.toContain('built with create_all');

      // The draft is a migration the reset did not have: another key, the same tables.
      const drafted = await run(['cycle', '--no-apply', '-m', 'cache probe cycle']);
      expect(drafted.exitCode, drafted.stderr).toBe(0);
      const verified = await run(['verify', '--verbose']);
      expect(verified.exitCode, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/setup-db's schema served from the cache \(\.devdb\/cache\/reset\/[0-9a-f]+\.db\): the models, tools and configuration are those a reset built it from/);
      expect(verified.stdout).not.toContain('built with create_all');
      editModels(tb.root, '    cycle_probe = Column(Unicode(40), nullable=True)', '    cycle_probe_two = Column(Unicode(40), nullable=True)');
      const moved = await run(['verify', '--verbose']);
      expect(moved.stdout).toContain('built with create_all from the models');
      expect(moved.stdout).not.toContain('served from the cache');
    } finally {
      fs.writeFileSync(dbPy, original);
      for (const draft of drafts()) fs.rmSync(path.join(versions, draft));
    }
  });
});
