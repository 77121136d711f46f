import fs from 'node:fs';
import path from 'node:path';
import { modelFiles } from '../cache/model-files.js';
import { loadConfig } from '../config/load.js';
import { modelMatcher, versionsFolder } from '../config/project-files.js';
import type { GlobalOptions } from '../context.js';
import { EXIT, usageError } from '../errors.js';
import { chainProblems, readRevisionHeader, type RevisionHeader } from '../migration/chain.js';
import { presetNamed } from '../presets/index.js';
import { compileError } from '../python/compile.js';
import { checkPython } from '../python/locate.js';
import type { Outcome } from '../report/output.js';
import { isNew, pendingChanges, trackedFiles } from '../vcs/changes.js';
import { detectVcs, type Vcs } from '../vcs/index.js';

export interface CheckOptions extends GlobalOptions {
  verify?: boolean;
}

/** One thing check found: an error refuses the commit, a warning only tells. */
export interface Finding {
  level: 'error' | 'warning';
  message: string;
}

const BYPASS: Record<Vcs['kind'], string> = {
  git: 'git commit --no-verify',
  hg: 'hg commit --config hooks.pretxncommit.devdb=',
};

/**
 * The pre-commit hook's body: a model change must come with its migration, and a new
 * migration must compile and extend the revision chain to a single head. It reads only
 * devdb.json and the VCS (no tool checks, no password), and starts Python only when a
 * migration is part of the commit. Scripts are read from the working tree, which is
 * what the commit holds unless only part of a file was staged.
 */
export async function check(options: CheckOptions): Promise<Outcome> {
  const { root, config } = await loadConfig(options.config, process.cwd());
  const vcs = detectVcs(root);
  if (!vcs) throw usageError(`The project ${root} is in neither a git nor a Mercurial checkout; devdb check reads the changes about to be committed.`);
  const fromTop = (file: string): string => path.relative(root, path.join(vcs.top, file)).split(path.sep).join('/');
  const changes = (await pendingChanges(vcs)).map((c) => ({ ...c, path: fromTop(c.path) })).filter((c) => !c.path.startsWith('../'));
  const detected = changes.length > 0 && presetNamed(config.preset).modelsFromEnv && !config.models
    ? await modelFiles({ root, config, python: checkPython(config.python, root), devIni: path.resolve(root, config.devIni) })
    : undefined;
  const isModel = modelMatcher(config, detected?.models);
  const models = changes.filter((c) => isModel(c.path)).map((c) => c.path);
  const versions = await versionsFolder(config, root);
  const isScript = (file: string): boolean => file.startsWith(`${versions}/`) && file.endsWith('.py') && !file.slice(versions.length + 1).includes('/');
  const migrations = changes.filter((c) => isNew(c) && isScript(c.path)).map((c) => c.path);
  const findings: Finding[] = [];
  if (models.length > 0 && migrations.length === 0) {
    findings.push({ level: 'error', message: `The models changed (${models.join(', ')}) but no new migration is part of this commit; run devdb cycle -m "area: message" and add the migration it writes.` });
  }
  if (migrations.length > 0 && models.length === 0) {
    findings.push({ level: 'warning', message: `A new migration (${migrations.join(', ')}) comes without a model change; fine for a data migration, otherwise add the model change too.` });
  }
  if (migrations.length > 0) findings.push(...(await checkMigrations(vcs, root, config.python, { versions, isScript }, migrations)));
  let verified: Outcome | undefined;
  if (options.verify && migrations.length > 0 && !findings.some((f) => f.level === 'error')) {
    // Loaded only here: plain check stays fast and needs neither the Python nor the password.
    const [{ verifyNewest }, { proofOutcome }] = await Promise.all([import('../loops/verify.js'), import('../report/round-trip.js')]);
    verified = proofOutcome('verify', await verifyNewest(options), false, options.debug ?? false);
    if (verified.exitCode !== EXIT.ok) findings.push({ level: 'error', message: `devdb verify failed on the new migration; fix what its report names, and run devdb verify again.` });
  }
  const ok = !findings.some((f) => f.level === 'error');
  const summary = findings.map((f) => `${f.level}: ${f.message}`);
  if (!ok) summary.push(`To commit anyway, deliberately: ${BYPASS[vcs.kind]}`);
  else if (findings.length === 0) summary.push(`devdb check: ${models.length > 0 ? `${models.length} model file(s) with ${migrations.length} new migration(s)` : 'no model change'}; fine.`);
  return {
    exitCode: ok ? EXIT.ok : EXIT.failed,
    report: { ok, command: 'check', vcs: vcs.kind, models, migrations, findings, ...(verified ? { verify: verified.report } : {}) },
    summary: [...(verified?.summary ?? []), ...summary],
  };
}

/** New scripts must compile, follow an existing revision, and leave one head. */
async function checkMigrations(vcs: Vcs, root: string, python: string, folder: { versions: string; isScript: (file: string) => boolean }, added: string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const interpreter = checkPython(python, root);
  for (const file of added) {
    const problem = await compileError(interpreter, path.join(root, file));
    if (problem) findings.push({ level: 'error', message: `The new migration ${file} does not compile: ${problem}; fix it and run devdb verify.` });
  }
  const top = path.relative(vcs.top, path.join(root, folder.versions)).split(path.sep).join('/');
  const tracked = (await trackedFiles(vcs, top || '.')).map((f) => path.relative(root, path.join(vcs.top, f)).split(path.sep).join('/'));
  const scripts = [...new Set([...tracked, ...added])].filter((f) => folder.isScript(f) && fs.existsSync(path.join(root, f)));
  const headers = scripts.map((f) => readRevisionHeader(f, fs.readFileSync(path.join(root, f), 'utf8')));
  const isAdded = (h: RevisionHeader): boolean => added.includes(h.file);
  for (const message of chainProblems(headers, headers.filter(isAdded))) findings.push({ level: 'error', message });
  return findings;
}
