import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import fs from 'fs-extra';
import { modelFiles } from '../cache/model-files.js';
import { loadConfig } from '../config/load.js';
import { modelMatcher, versionsFolder } from '../config/project-files.js';
import type { DevdbConfig } from '../config/schema.js';
import { loadContext, type Context, type GlobalOptions } from '../context.js';
import { EXIT, usageError } from '../errors.js';
import { ciWalk } from '../loops/ci.js';
import { enginesFor } from '../loops/engines.js';
import { chainProblems, headsOf, readRevisionHeader, type RevisionHeader } from '../migration/chain.js';
import { lintMigration } from '../migration/lint/index.js';
import { readMigration } from '../migration/script.js';
import { presetNamed } from '../presets/index.js';
import { checkPython } from '../python/locate.js';
import { ciOutcome, type CiCheck, type CiResult } from '../report/ci.js';
import { junitXml } from '../report/junit.js';
import { ciMarkdown } from '../report/markdown.js';
import type { Outcome } from '../report/output.js';
import { errorReport } from '../report/output.js';
import { sarifLog } from '../report/sarif.js';
import type { EngineName } from '../schema/model.js';
import { changedSince, resolveBaseRef, scriptsAt, type BaseRef } from '../vcs/base-ref.js';
import { detectVcs, type Vcs } from '../vcs/index.js';

export interface CiOptions extends GlobalOptions {
  baseRef?: string;
  engine?: EngineName | 'all';
  junit?: string;
  sarif?: string;
  markdown?: string;
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The line of `down_revision = …` in a script, for reports that point at it. */
const downRevisionLine = (source: string): number | undefined => {
  const index = source.split('\n').findIndex((line) => /^down_revision\b/.test(line));
  return index < 0 ? undefined : index + 1;
};

/**
 * One CI job's proof of a branch: the models and the migrations agree, the migrations
 * keep one head together with the target branch's tip, every migration since the base
 * ref's head passes the stairway on the engines asked for, and the new migrations pass lint. Everything is
 * built from the checkout and its history; reports go to the files asked for.
 */
export async function ci(options: CiOptions): Promise<Outcome> {
  const { root, config } = await loadConfig(options.config, process.cwd());
  const vcs = detectVcs(root);
  if (!vcs) throw usageError(`The project ${root} is in no git or Mercurial checkout; devdb ci compares a branch with the one it is merged into.`);
  const base = await resolveBaseRef(vcs, options.baseRef);
  const top = (file: string): string => path.relative(vcs.top, path.join(root, file)).split(path.sep).join('/');
  const fromTop = (file: string): string => path.relative(root, path.join(vcs.top, file)).split(path.sep).join('/');
  const versions = await versionsFolder(config, root);
  const isScript = (file: string): boolean => file.startsWith(`${versions}/`) && file.endsWith('.py') && !file.slice(versions.length + 1).includes('/');
  const { changed, added } = await changedSince(vcs, base.mergeBase);
  const detected = presetNamed(config.preset).modelsFromEnv && !config.models
    ? await modelFiles({ root, config, python: checkPython(config.python, root), devIni: path.resolve(root, config.devIni) })
    : undefined;
  const isModel = modelMatcher(config, detected?.models);
  const models = changed.map(fromTop).filter(isModel).map(top);
  const migrations = added.map(fromTop).filter(isScript).map(top);

  const folder = path.join(root, versions);
  const working = (await fs.pathExists(folder) ? await fs.readdir(folder) : [])
    .filter((f) => f.endsWith('.py'))
    .map((f) => readRevisionHeader(top(`${versions}/${f}`), fs.readFileSync(path.join(folder, f), 'utf8')));
  const linted = await lintCheck(vcs, checkPython(config.python, root), config, migrations);
  const checks: CiCheck[] = [headsCheck(working, await scriptsAt(vcs, base.tip, top(versions)), base, vcs), linted.check];

  const result: CiResult = { base, engines: [], migrations, models, checks, lint: linted.lint, downgradeLosses: [] };
  await proveWalk(options, vcs, baseHead(await scriptsAt(vcs, base.mergeBase, top(versions))), working, result);
  checks.splice(0, checks.length, ...order(checks));

  const written = await writeReports(options, result);
  return ciOutcome(result, written);
}

/** Where the walk starts: the merge base's one head (the branch has it), or the whole history when there is none or several. */
const baseHead = (atBase: RevisionHeader[]): string | undefined => {
  const heads = headsOf(atBase);
  return heads.length === 1 ? heads[0] : undefined;
};

const ORDER = ['models', 'heads', 'verify', 'lint'];
const order = (checks: CiCheck[]): CiCheck[] => [...checks].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));

/** The branch's migrations with the target branch's tip: one head, every parent known. */
function headsCheck(working: RevisionHeader[], atTip: RevisionHeader[], base: BaseRef, vcs: Vcs): CiCheck {
  const started = performance.now();
  const have = new Set(working.map((h) => h.revision));
  const tipRevisions = new Set(atTip.map((h) => h.revision));
  const all = [...working, ...atTip.filter((h) => !have.has(h.revision))];
  const added = working.filter((h) => !tipRevisions.has(h.revision));
  const problems = chainProblems(all, added);
  const ms = Math.round(performance.now() - started);
  if (problems.length === 0) return { id: 'heads', engine: null, status: 'passed', ms };
  const missing = atTip.filter((h) => !have.has(h.revision));
  const head = added.find((h) => headsOf(all).includes(h.revision ?? '')) ?? added[0];
  const source = head ? fs.readFileSync(path.join(vcs.top, head.file), 'utf8') : '';
  return {
    id: 'heads',
    engine: null,
    status: 'failed',
    message: missing.length > 0 ? `${base.name} has migrations this branch lacks (${missing.map((h) => h.file).join(', ')}); merge ${base.name} into the branch, then: ${problems.join(' ')}` : problems.join(' '),
    ...(head ? { file: head.file, line: downRevisionLine(source) ?? 1 } : {}),
    ms,
  };
}

/** Lint of the migrations the branch adds. */
async function lintCheck(vcs: Vcs, python: string, config: Pick<DevdbConfig, 'engine' | 'preset'>, migrations: string[]): Promise<{ check: CiCheck; lint: CiResult['lint'] }> {
  const started = performance.now();
  const lint: CiResult['lint'] = [];
  for (const file of migrations) {
    const script = await readMigration(python, path.join(vcs.top, file));
    lint.push({ file, findings: lintMigration(script, { engine: config.engine, preset: config.preset }) });
  }
  const errors = lint.flatMap(({ file, findings }) => findings.filter((f) => f.severity === 'error').map((f) => ({ file, ...f })));
  const first = errors[0];
  const check: CiCheck = first
    ? { id: 'lint', engine: null, status: 'failed', message: `${errors.length} lint error(s), first ${first.rule}: ${first.message} ${first.suggestion}`, file: first.file, line: first.line, ms: 0 }
    : { id: 'lint', engine: null, status: migrations.length > 0 ? 'passed' : 'skipped', ...(migrations.length > 0 ? {} : { message: 'no new migration' }), ms: 0 };
  check.ms = Math.round(performance.now() - started);
  return { check, lint };
}

/** The line of a script's first line matching `pattern`, for reports that point at it. */
const lineOf = (file: string, pattern: RegExp): number => {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((line) => pattern.test(line));
  return index < 0 ? 1 : index + 1;
};

const PHASES = ['upgrade', 'downgrade', 'reupgrade'] as const;

/**
 * Checks 1 and 3 on each engine: the stairway from the base ref's head (`from`) to the
 * branch's head, one verify check per revision walked; the upgrade to the last revision,
 * compared with the models, says whether they agree.
 */
async function proveWalk(options: CiOptions, vcs: Vcs, from: string | undefined, working: RevisionHeader[], result: CiResult): Promise<void> {
  const first = await loadContext({ ...options, engine: options.engine === 'all' ? undefined : options.engine }, { needPassword: true });
  result.engines = enginesFor(first, options.engine);
  const heads = headsOf(working);
  if (heads.length !== 1) {
    const message = `the checkout's migrations have ${heads.length} heads; fix the heads first`;
    for (const engine of result.engines) result.checks.push({ id: 'models', engine, status: 'skipped', message, ms: 0 }, { id: 'verify', engine, status: 'skipped', message, ms: 0 });
    return;
  }
  const started = performance.now();
  // Each engine's context is loaded before the walk, so every engine without a driver (or a server) is named, not only the first.
  const loaded = new Map<EngineName, Context>([[first.engine, first]]);
  const unloaded = new Map<EngineName, unknown>();
  for (const engine of result.engines.filter((e) => e !== first.engine)) {
    await loadContext({ ...options, engine }, { needPassword: true }).then((ctx) => loaded.set(engine, ctx), (error: unknown) => unloaded.set(engine, error));
  }
  const walked = result.engines.filter((e) => loaded.has(e));
  // Built from the merge base, the start is its head: none of the branch's downgrades runs before its own proof.
  const start = from === undefined ? {} : { from, baseCommit: result.base.mergeBase };
  const { runs, error: stopped } = await ciWalk(first, walked, start, async (engine) => loaded.get(engine)!, { json: options.json ?? false, verbose: first.verbose });
  const top = (file: string): string => path.relative(vcs.top, file).split(path.sep).join('/');
  const added = new Set(result.migrations);
  for (const engine of result.engines) {
    const run = runs[walked.indexOf(engine)];
    if (!run || !run.opened) {
      const blocked = walked.find((_, i) => !runs[i]?.opened);
      const error = unloaded.get(engine) ?? (blocked === engine ? stopped : undefined);
      const why = error !== undefined ? errorReport(error).message : `the walk did not reach ${engine}${blocked && blocked !== engine ? `, as ${blocked} could not be opened` : ''}`;
      result.checks.push({ id: 'models', engine, status: 'skipped', message: why, ms: 0 }, { id: 'verify', engine, status: 'failed', message: why, usage: true, ms: Math.round(performance.now() - started) });
      continue;
    }
    const { walk } = run.ctx;
    const error = run.error === undefined ? undefined : errorReport(run.error);
    const last = walk.order.at(-1);
    const lastResult = walk.results.find((r) => r.revision === last?.revision);
    const { failure } = walk;
    if (last && failure?.step === 'upgrade' && failure.revision === last.revision) {
      // The upgrade is compared with the models (expected): "removed" is what only the models have.
      const what = failure.changes.map((c) => `${c.table}${c.object ? `.${c.object}` : ''} ${c.kind.endsWith('-removed') ? 'has no migration' : c.kind.endsWith('-added') ? 'is not in the models' : 'differs'}`).join(', ');
      const models = result.models.length > 0 ? `The models changed (${result.models.join(', ')}) but` : 'The models and';
      result.checks.push({ id: 'models', engine, status: 'failed', message: `${models} the migrations do not build the same schema (${what}); run devdb cycle -m "area: message" and commit the migration it writes.`, file: result.models[0] ?? top(last.file), line: 1, ms: lastResult?.ms ?? 0 });
    } else if (lastResult?.upgrade === 'passed') {
      result.checks.push({ id: 'models', engine, status: 'passed', ms: lastResult.ms });
    } else {
      result.checks.push({ id: 'models', engine, status: 'skipped', message: 'the walk stopped before the upgrade to the head was compared with the models', ms: 0 });
    }
    let reported = false;
    for (const stair of walk.stairs) {
      const walked = walk.results.find((r) => r.revision === stair.revision);
      const file = top(stair.file);
      if (!walked) {
        result.checks.push({ id: 'verify', engine, revision: stair.revision, status: 'skipped', message: 'not walked, as an earlier revision or step failed', file, ms: 0 });
        continue;
      }
      const phase = PHASES.find((p) => walked[p] === 'failed');
      if (!phase || !error) {
        result.checks.push({ id: 'verify', engine, revision: stair.revision, status: 'passed', ms: walked.ms });
        continue;
      }
      reported = true;
      const line = lineOf(stair.file, phase === 'upgrade' ? /^def upgrade\b/ : /^def downgrade\b/);
      result.checks.push({ id: 'verify', engine, revision: stair.revision, step: phase, status: 'failed', message: standalone(error.message), ...(error.detail ? { detail: error.detail } : {}), file, line, ms: walked.ms, ...(error.exitCode === EXIT.usage ? { usage: true } : {}) });
    }
    if (error && !reported) {
      // The walk stopped before its first revision (the start could not be built): one check says why.
      result.checks.push({ id: 'verify', engine, status: 'failed', message: standalone(error.message), ...(error.detail ? { detail: error.detail } : {}), ms: run.records.reduce((sum, r) => sum + r.ms, 0), ...(error.exitCode === EXIT.usage ? { usage: true } : {}) });
    }
    // Only the branch's own migrations: the base's head is walked again for the models' sake, not as the branch's change.
    for (const stair of walk.stairs.filter((s) => added.has(top(s.file)))) {
      const losses = walk.results.find((r) => r.revision === stair.revision)?.losses ?? [];
      result.downgradeLosses.push(...losses.map((l) => ({ engine, revision: stair.revision, file: top(stair.file), ...l })));
    }
  }
}

/** A step's sentence points at the terminal's progress list ("shown above"); in a report it stands alone, the tool's output in `detail`. */
const standalone = (message: string): string => message.replace(/ (?:shown |listed )?(?:above|below)\b/g, '');

/** Writes the reports asked for, and the Markdown to GitHub's job summary when there is one; the files written, for the summary. */
async function writeReports(options: CiOptions, result: CiResult): Promise<string[]> {
  const written: string[] = [];
  const write = async (file: string | undefined, text: string): Promise<void> => {
    if (!file) return;
    await fs.ensureDir(path.dirname(path.resolve(file)));
    await fs.writeFile(file, text);
    written.push(file);
  };
  await write(options.junit, junitXml(result));
  await write(options.sarif, `${JSON.stringify(sarifLog(result, version), null, 2)}\n`);
  const markdown = ciMarkdown(result);
  await write(options.markdown, markdown);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) {
    await fs.appendFile(summary, markdown);
    written.push('$GITHUB_STEP_SUMMARY');
  }
  return written;
}
