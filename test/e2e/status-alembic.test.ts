import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, git, query, tempDir, type AlembicProject } from '../support/devdb.js';

// One small Alembic project taken through the states `devdb status` tells apart, in
// order: at head, drift, a draft pending, behind, an unknown revision; then the graph
// of a chain with a branch and a merge in every format.

let project: AlembicProject;
let alembic: string;
const run = (...args: string[]) => devdb(args, { cwd: project.root });
const json = async (...args: string[]) => {
  const result = await run(...args, '--json');
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};
const hasDot = execa('dot', ['-V'], { reject: false }).then((r) => r.exitCode === 0);

beforeAll(async () => {
  project = await alembicProject();
  alembic = path.join(path.dirname(project.python), 'alembic');
  const init = await run('init', '--yes', '--python', project.python);
  expect(init.exitCode, init.stderr).toBe(0);
}, 120_000);

describe('devdb status on a plain Alembic project', () => {
  it('answers in each state, the same in --json as on screen', async () => {
    const atHead = await json('status');
    expect(atHead.database).toEqual({ where: 'dev.db', engine: 'sqlite', exists: true, revisions: ['0001'], known: true, position: 'head' });
    expect(atHead.migrations).toEqual({ folder: 'migrations/versions', count: 1, heads: ['0001'], newest: { revision: '0001', file: 'migrations/versions/0001_initial_tables.py', message: 'initial tables', committed: true } });
    expect(atHead.drift).toEqual({ checked: false, reason: 'the reset cache holds what the migrations build, not the models; run `devdb status --drift` to build the model database and compare' });
    expect(atHead.snapshots).toEqual({ count: 0, list: [] });
    expect(atHead.throwaway).toEqual({});
    expect(atHead.hook).toMatchObject({ vcs: 'git', installed: false });
    expect(atHead.next).toBe('the development database is at head; to compare it with the models, run `devdb status --drift`.');
    const screen = await run('status');
    expect(screen.stdout).toContain('  revision   0001 — at head');
    expect(screen.stdout.trim().split('\n').at(-1)).toBe(`next: ${atHead.next}`);

    const models = path.join(project.root, 'app', 'models.py');
    fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('    body = Column(String(200))\n', '    body = Column(String(200))\n    title = Column(String(80), nullable=True)\n'));
    const drifted = await json('status', '--drift');
    expect(drifted.drift).toMatchObject({ checked: true, source: 'built' });
    expect(drifted.drift.changes.map((c: { kind: string; table: string; object: string }) => `${c.kind} ${c.table}.${c.object}`)).toEqual(['column-added notes.title']);
    expect(drifted.next).toBe('models changed since the last migration: `devdb cycle -m "area: message"`.');
    expect(drifted.throwaway).toEqual({ sqlite: 1 });

    const cycled = await run('cycle', '--json', '-m', 'notes: add title');
    expect(cycled.exitCode, cycled.stdout).toBe(0);
    const { revision, migration } = JSON.parse(cycled.stdout);
    const draft = await json('status');
    expect(draft.database).toMatchObject({ revisions: [revision], position: 'head', known: true });
    expect(draft.migrations.heads).toEqual([revision]);
    expect(draft.migrations.newest).toMatchObject({ revision, file: migration, message: 'notes: add title', committed: false });
    expect(draft.migrations.draft).toEqual({ revision, file: migration, applied: true, exists: true, committed: false });
    expect(draft.snapshots.count).toBe(1);
    expect(draft.snapshots.list[0]).toMatchObject({ revisions: ['0001'], known: true });
    expect(draft.next).toBe(`the draft ${revision.slice(0, 12)} is not committed yet: after editing it run \`devdb verify\`, then commit it with the model change.`);
    const clean = await json('status', '--drift');
    expect(clean.drift).toEqual({ checked: true, source: 'built', changes: [] });

    await execa(alembic, ['downgrade', '-1'], { cwd: project.root, timeout: 60_000 });
    const behind = await json('status');
    expect(behind.database).toMatchObject({ revisions: ['0001'], position: 'behind', behind: 1, known: true });
    expect(behind.next).toBe('the development database is behind by 1 revision(s): `devdb cycle --upgrade-first -m "…"` or `alembic upgrade head`.');

    // A copy of the development database at a revision another branch made, named by its own config.
    fs.copyFileSync(project.devDb, path.join(project.root, 'copy.db'));
    const { default: Database } = await import('better-sqlite3');
    const copy = new Database(path.join(project.root, 'copy.db'));
    copy.prepare("update alembic_version set version_num = 'feedfacecafe'").run();
    copy.close();
    const config = JSON.parse(fs.readFileSync(path.join(project.root, 'devdb.json'), 'utf8'));
    fs.writeFileSync(path.join(project.root, 'devdb-copy.json'), JSON.stringify({ ...config, devDb: 'copy.db' }));
    const unknown = await json('status', '--config', 'devdb-copy.json');
    expect(unknown.database).toMatchObject({ where: 'copy.db', revisions: ['feedfacecafe'], position: 'unknown', known: false });
    expect(unknown.next).toBe(
      `the development database is at feedfacecafe, which this checkout has no migration for (another branch's?): \`devdb snapshot restore ${draft.snapshots.list[0].id}\` (a snapshot at 0001), or go back to that branch and \`alembic downgrade\` to a revision both branches have.`,
    );
    expect(await query(path.join(project.root, 'copy.db'), 'select version_num from alembic_version')).toEqual([{ version_num: 'feedfacecafe' }]);
  }, 120_000);

  it('refuses with exit 2 where there is no devdb.json', async () => {
    const result = await devdb(['status'], { cwd: tempDir('status') });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('run "devdb init" in the project root first');
  });
});

describe('devdb graph on a plain Alembic project', () => {
  it('draws a branch and its merge as text, Mermaid that the Mermaid parser reads, and DOT', async () => {
    const alembicIn = (...args: string[]) => execa(alembic, args, { cwd: project.root, timeout: 60_000 });
    const before = await json('graph');
    const head = before.heads[0] as string;
    await alembicIn('revision', '-m', 'side branch', '--rev-id', 'side0002', '--head', '0001', '--splice');
    await alembicIn('merge', '-m', 'merge side', '--rev-id', 'merge0003', 'heads');
    await git(project.root, 'add', '-A');

    const text = await run('graph');
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout.trimEnd().split('\n')).toEqual([
      '*  merge0003 merge side  (head)',
      '|\\',
      `* |  ${head} notes: add title  (draft)`,
      '| *  side0002 side branch',
      '|/',
      '*  0001 initial tables  (dev database)',
    ]);

    const mermaid = await run('graph', '--format', 'mermaid');
    expect(mermaid.stdout).toContain(`  r_${head} --> r_merge0003\n  r_side0002 --> r_merge0003\n`);
    const { JSDOM } = await import('jsdom');
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    const { default: mermaidjs } = await import('mermaid');
    await expect(mermaidjs.parse(mermaid.stdout)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });

    const dot = await run('graph', '--format', 'dot');
    expect(dot.stdout).toContain(`  "side0002" -> "merge0003";`);
    if (await hasDot) {
      const svg = await execa('dot', ['-Tsvg'], { input: dot.stdout, timeout: 30_000 });
      expect(svg.stdout).toContain('<svg');
    } else {
      expect(process.env.DEVDB_REQUIRE_DOT, 'Graphviz is missing: CI (.ci/run) installs it').toBeUndefined();
      console.warn('devdb graph --format dot: not rendered, Graphviz (dot) is not installed here');
    }

    const report = await json('graph');
    expect(report).toMatchObject({ ok: true, command: 'graph', format: 'text', heads: ['merge0003'], dev: ['0001'], draft: head });
    expect(report.nodes.find((n: { revision: string }) => n.revision === 'merge0003').parents).toEqual([head, 'side0002']);
  }, 60_000);
});
