import path from 'node:path';
import fs from 'fs-extra';
import { cacheable, cacheInputs, findSchemaEntry } from '../cache/reset-cache.js';
import { readProject, type Project } from '../project.js';
import { versionsFolder } from '../config/project-files.js';
import { loadContext, PASSWORD_ENV, throwawayTarget, type Context, type GlobalOptions } from '../context.js';
import { engineFor } from '../engines/index.js';
import { listSnapshots } from '../engines/snapshots.js';
import { EXIT } from '../errors.js';
import { databaseFacts } from '../migration/database-position.js';
import { buildGraph, type RevisionGraph } from '../migration/graph.js';
import { readVersions, type ScriptHeader } from '../migration/revisions.js';
import { checkPython } from '../python/locate.js';
import type { Outcome } from '../report/output.js';
import { nextStep, statusLines, type StatusFacts } from '../report/status.js';
import { diffSchemas } from '../schema/diff.js';
import { changesToJson } from '../schema/render.js';
import { readState, type State } from '../state.js';
import { hookState } from '../vcs/hooks.js';
import { detectVcs, isCommitted, type Vcs } from '../vcs/index.js';

export interface StatusOptions extends GlobalOptions {
  drift?: boolean;
}

/** The newest script: the head whose file changed last, so a fresh draft beats an older head. */
async function newestHead(root: string, graph: RevisionGraph, heads: string[]): Promise<string | undefined> {
  const dated = await Promise.all(heads.map(async (r) => ({ r, at: (await fs.stat(path.join(root, graph.nodes.get(r)?.file ?? '')).catch(() => undefined))?.mtimeMs ?? 0 })));
  return dated.sort((a, b) => b.at - a.at)[0]?.r;
}

async function migrationFacts(project: Project, versions: string, headers: ScriptHeader[], graph: RevisionGraph, state: State, vcs: Vcs | undefined): Promise<StatusFacts['migrations']> {
  const committed = async (file: string): Promise<boolean | undefined> => (vcs ? isCommitted(vcs, path.join(project.root, file)) : undefined);
  const newest = await newestHead(project.root, graph, graph.heads);
  const node = newest ? graph.nodes.get(newest) : undefined;
  const draft = state.draft;
  const draftFile = draft ? path.resolve(project.root, draft.file) : undefined;
  const draftExists = draftFile ? await fs.pathExists(draftFile) : false;
  return {
    folder: versions,
    count: headers.length,
    heads: graph.heads,
    ...(node ? { newest: { revision: node.revision, file: node.file, message: node.message, ...withDefined('committed', await committed(node.file)) } } : {}),
    ...(draft && draftFile
      ? { draft: { revision: draft.revision, file: path.relative(project.root, draftFile), applied: draft.applied, exists: draftExists, ...withDefined('committed', draftExists ? await committed(path.relative(project.root, draftFile)) : undefined) } }
      : {}),
  };
}

const withDefined = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/**
 * The context a reset would key its cache with, made without starting Python; or why
 * the reset cache cannot tell what the models make for this project.
 */
function cacheContext(project: Project): { ctx: Context } | { reason: string } {
  const { config, root, preset } = project;
  if (!(preset.needsAdmin || preset.setup === 'models')) return { reason: 'the reset cache holds what the migrations build, not the models' };
  if (config.engine !== 'sqlite') return { reason: `the reset cache holds SQLite databases only, and throwaway databases are on ${config.engine}` };
  const password = process.env[PASSWORD_ENV] || config.admin.password;
  if (preset.needsAdmin && !password) return { reason: `${PASSWORD_ENV} is not set, and the reset cache is keyed with it` };
  const ctx: Context = {
    root,
    configFile: project.file,
    config,
    preset,
    python: checkPython(config.python, root),
    stateDir: project.stateDir,
    devIni: project.devIni,
    alembicDir: path.dirname(project.devIni),
    devDb: project.devDb,
    engine: 'sqlite',
    throwawayIni: path.resolve(root, config.throwawayIni),
    throwawayDb: throwawayTarget(config.throwawayDb, root),
    repos: path.resolve(root, config.repos),
    admin: password ? { user: config.admin.user, email: config.admin.email, password } : undefined,
    secrets: password ? [password] : [],
    verbose: false,
  };
  return cacheable(ctx) ? { ctx } : { reason: 'the throwaway database is not a SQLite file the reset cache can hold' };
}

const RUN_DRIFT = 'run `devdb status --drift` to build the model database and compare';

async function driftFacts(project: Project, options: StatusOptions, database: StatusFacts['database']): Promise<StatusFacts['drift']> {
  if (!database.exists) return { checked: false, reason: database.position === 'unreadable' ? 'the development database cannot be read' : 'the development database does not exist' };
  let model;
  let source: 'cache' | 'built' = 'cache';
  if (options.drift) {
    const ctx = await loadContext({ ...options, engine: project.config.engine }, { needPassword: project.preset.needsAdmin });
    const { buildModelSchema } = await import('../loops/drift.js');
    model = await buildModelSchema(ctx, { json: options.json ?? false, verbose: ctx.verbose });
    source = 'built';
  } else {
    const cache = cacheContext(project);
    if ('reason' in cache) return { checked: false, reason: `${cache.reason}; ${RUN_DRIFT}` };
    const entry = (await findSchemaEntry(cache.ctx, await cacheInputs(cache.ctx)))?.entry;
    if (!entry) return { checked: false, reason: `no model database in the reset cache matches the current model files; ${RUN_DRIFT}` };
    model = await (await engineFor('sqlite')).inspect({ engine: 'sqlite', url: `sqlite:///${entry.file}`, file: entry.file });
  }
  const dev = await (await engineFor(project.devDb.engine)).inspect(project.devDb);
  return { checked: true, source, changes: changesToJson(diffSchemas(dev, model)) };
}

async function snapshotFacts(project: Project, graph: RevisionGraph): Promise<StatusFacts['snapshots']> {
  // A snapshot's server that does not answer must not hide the rest of the screen; the database line says what is wrong.
  const all = await listSnapshots(project.stateDir, project.devDb).catch(() => []);
  const list = all.map((s) => ({
    id: s.id,
    createdAt: s.createdAt,
    revisions: s.revisions,
    reason: s.reason,
    known: s.revisions.length > 0 && s.revisions.every((r) => graph.nodes.has(r)),
    ...withDefined('branch', s.branch),
  }));
  return { count: list.length, ...withDefined('newest', list.at(-1)?.id), list };
}

/** Counted from devdb's own records: no server is asked. */
function throwawayFacts(state: State): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const owned of state.owned) if (owned.role !== 'snapshot') counts[owned.engine] = (counts[owned.engine] ?? 0) + 1;
  return counts;
}

/**
 * "Where am I": the development database's revision against the migrations in this
 * checkout, the draft, drift from the models, snapshots, devdb's databases and the hook,
 * and what to do next. It starts no Python unless --drift asks for a model database or
 * the model files must be found again; a server is asked only for the development database.
 */
export async function status(options: StatusOptions): Promise<Outcome> {
  const project = await readProject(options);
  const versions = await versionsFolder(project.config, project.root);
  const headers = await readVersions(project.root, versions);
  const graph = buildGraph(headers);
  const state = await readState(project.stateDir);
  const vcs = detectVcs(project.root);
  const database = await databaseFacts(project, graph);
  const [migrations, drift, snapshots, hook] = await Promise.all([
    migrationFacts(project, versions, headers, graph, state, vcs),
    driftFacts(project, options, database),
    database.position === 'unreadable' ? Promise.resolve({ count: 0, list: [] }) : snapshotFacts(project, graph),
    vcs ? hookState(vcs).then((h) => ({ vcs: vcs.kind, installed: h.installed, file: h.file, checkout: h.checkout.installed })) : Promise.resolve({ vcs: null }),
  ]);
  // Read again: --drift may have just made the throwaway database.
  const facts = { database, migrations, drift, snapshots, throwaway: throwawayFacts(await readState(project.stateDir)), hook };
  const full: StatusFacts = { ...facts, next: nextStep(facts) };
  return { exitCode: EXIT.ok, report: { ok: true, command: 'status', ...full }, summary: statusLines(full, process.stdout.isTTY === true) };
}
