import path from 'node:path';
import fs from 'fs-extra';
import { setIniValue } from '../config/ini-edit.js';
import { iniValue, interpolate, readIni } from '../config/ini-read.js';
import type { Context } from '../context.js';
import { makeOwned } from '../engines/ownership.js';
import { snapshotTarget } from '../engines/snapshots.js';
import { describeTarget, type DatabaseTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import { baseRevision, detectVcs, exportCommitted } from '../vcs/index.js';
import { workFolder, type CycleContext } from './shared/round-trip.js';
import { fromEmptyHint } from './setup-db.js';
import { clearDatabase } from './shared/databases.js';
import { hereAs, iniUrlFor, urlSectionsToSet } from './shared/ini.js';
import { shown, runTool, type Step, type StepIO } from './step.js';

/**
 * Writes `ini` as a copy of the throwaway INI aimed at `target`, so the same settings drive
 * the base database; `moved` maps the project's folder to an export of it, for paths
 * make-config wrote out (see hereAs).
 */
export async function writeIniFor(ctx: Context, ini: string, target: DatabaseTarget, moved?: { from: string; to: string }): Promise<void> {
  const source = await readIni(ctx.throwawayIni, 'throwaway INI');
  const devDir = path.dirname(ctx.devIni);
  const wroteOut = moved && devDir !== path.dirname(ctx.throwawayIni);
  let text = wroteOut ? source.text.replaceAll(hereAs('%(here)s', devDir, ''), hereAs('%(here)s', path.join(moved.to, path.relative(moved.from, devDir)), '')) : source.text;
  for (const section of urlSectionsToSet(ctx, text)) text = setIniValue(text, section, 'sqlalchemy.url', iniUrlFor(target, path.dirname(ini)));
  await fs.writeFile(ini, text);
}

/**
 * An absolute script_location into the project (an INI a project's helper wrote) would
 * build the base from the working tree's migrations, the new draft among them: in the
 * export's INI it points at the same folder of the exported code instead.
 */
async function aimScriptsAtExport(ctx: Context, ini: string, exported: string): Promise<void> {
  const parsed = await readIni(ini, 'base INI');
  const location = iniValue(parsed, 'alembic', 'script_location');
  if (location === undefined) return;
  const resolved = interpolate(parsed, 'alembic', location);
  const inside = path.relative(ctx.root, resolved);
  const isIn = (folder: string): boolean => !path.relative(folder, resolved).startsWith('..');
  if (!path.isAbsolute(resolved) || !isIn(ctx.root) || isIn(exported)) return;
  await fs.writeFile(ini, setIniValue(parsed.text, 'alembic', 'script_location', path.join(exported, inside)));
}

/** The base database built from the committed code, in an export of it, with the preset's setup command. */
async function buildFromCommitted(ctx: CycleContext, io: StepIO): Promise<void> {
  const vcs = detectVcs(ctx.root);
  if (!vcs) throw usageError(`--base vcs needs the project to be in git or Mercurial, and ${ctx.root} is in neither; use the development database as the base instead.`);
  const exported = path.join(workFolder(ctx), 'export');
  await fs.remove(exported);
  await exportCommitted(vcs, exported, ctx.trip.base.revision);
  const root = path.join(exported, path.relative(vcs.top, ctx.root));
  const ini = path.join(root, path.relative(ctx.root, ctx.trip.baseIni));
  await fs.ensureDir(path.dirname(ini));
  await writeIniFor(ctx, ini, ctx.trip.baseDb, { from: ctx.root, to: root });
  await aimScriptsAtExport(ctx, ini, root);
  const relativeIni = path.relative(root, ini);
  const admin = ctx.admin ?? { user: ctx.config.admin.user, email: ctx.config.admin.email, password: '' };
  // The configured setup, as reset runs it: migrations, the models stamped at head, or the project's command.
  const setup = ctx.preset.setupDb({ ini: relativeIni, admin, repos: ctx.repos, publicAccess: ctx.config.publicAccess, url: ctx.trip.baseDb.url, python: ctx.python });
  io.output(`${ctx.trip.base.revision?.slice(0, 12) ?? baseRevision(vcs)} exported to ${shown(ctx, exported)}`);
  // The exported code comes first on sys.path, ahead of the working tree the virtualenv points at.
  // Alembic runs from the development INI's folder in the export, as it does in the working tree.
  const cwd = path.join(root, path.relative(ctx.root, ctx.alembicDir));
  const place = { cwd, env: { PYTHONPATH: root } };
  await runTool(ctx, { ...setup, args: setup.args.map((arg) => (arg === relativeIni ? ini : arg)) }, io, 'building the base database from the committed code', place).catch((error: unknown) => {
    throw ctx.preset.setup === 'migrations' ? fromEmptyHint(error) : error;
  });
}

/** Documented step 5's database that has not been upgraded: the base database, i.e. the schema before the change, on a copy. */
export const baseDb: Step<CycleContext> = {
  id: 'base-db',
  title: (ctx) =>
    ctx.trip.base.kind === 'vcs'
      ? 'base-db: build the base database from the committed code'
      : ctx.trip.base.kind === 'snapshot'
        ? `base-db: copy snapshot ${ctx.trip.base.snapshot?.id} as the base database`
        : 'base-db: copy the development database as the base database',
  plan: (ctx) => {
    const base = describeTarget(ctx.trip.baseDb, ctx.root);
    if (ctx.trip.base.kind === 'vcs') return [`export the committed code to ${shown(ctx, path.join(workFolder(ctx), 'export'))} and build ${base} there`];
    const how = ctx.engine === 'sqlite' ? 'SQLite backup API' : ctx.engine === 'postgres' ? 'CREATE DATABASE … TEMPLATE' : 'table by table';
    return [`copy ${describeTarget(ctx.devDb, ctx.root)} to ${base} (${how})`, `write ${shown(ctx, ctx.trip.baseIni)}`];
  },
  run: async (ctx, io) => {
    const target = ctx.trip.baseDb;
    const note = await clearDatabase(ctx, target, 'base database', true);
    if (note) io.output(note);
    if (target.file) await fs.ensureDir(path.dirname(target.file));
    if (ctx.trip.base.kind === 'vcs') {
      // On a server the setup command needs the database to exist; a SQLite file it makes itself.
      if (!target.file) await makeOwned(ctx.stateDir, target);
      await buildFromCommitted(ctx, io);
    } else {
      const snapshot = ctx.trip.base.snapshot;
      await makeOwned(ctx.stateDir, target, snapshot ? snapshotTarget(snapshot, ctx.devDb) : ctx.devDb);
    }
    await writeIniFor(ctx, ctx.trip.baseIni, target);
  },
};
