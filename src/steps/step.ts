import path from 'node:path';
import type { Context } from '../context.js';
import { describeTarget, sameDatabase, type DatabaseTarget } from '../engines/url.js';
import { usageError } from '../errors.js';
import { formatCommand, type Command } from '../presets/command.js';
import { findTool } from '../python/locate.js';
import { runAlembic } from '../python/alembic-server.js';
import { finish, runCommand, type RunResult } from '../python/run.js';

/** What a running step may do besides its work: report a line of progress. */
export interface StepIO {
  output(line: string): void;
}

/** What a step stopped midway leaves half-made, and how to remove it. */
export interface CleanUp {
  /** The removal, as the interrupt line names it when it fails ("could not …"). */
  what: string;
  /** Removes it; `done` gets each thing removed, as the interrupt line says it. */
  remove(done: (line: string) => void): Promise<void>;
}

/**
 * One step of the documented loop: a listr2 task with a dry-run plan. Each lives in
 * src/steps/<id>.ts as the export named by its id in camelCase; src/steps/shared/
 * holds what several steps use.
 */
export interface Step<C extends Context = Context> {
  /** The step's one name (make-config, point-db, drop-db …), as the JSON report's steps[].id gives it. */
  id: string;
  /** The id, then what the step does now: "make-config: create temp.ini". */
  title(ctx: C): string;
  /** Whether the step applies to this project at all (a preset without repo-scan has no such step). */
  enabled?(ctx: C): boolean;
  /** A reason to skip the step, decided when it is reached. */
  skip?(ctx: C): Promise<string | false> | string | false;
  /** What the step would do, as commands or sentences, for --dry-run. */
  plan(ctx: C): Promise<string[]> | string[];
  run(ctx: C, io: StepIO): Promise<void>;
  /**
   * How to remove what the step makes, should the run be stopped during it. Called as
   * the step starts, so it can note what was there before (an INI's inode, the scripts
   * in the versions folder).
   */
  cleanUp?(ctx: C): CleanUp | undefined;
}

/** A path as the user would write it from the project root. */
export const shown = (ctx: Context, file: string): string => {
  const relative = path.relative(ctx.root, file);
  return relative === '' || relative.startsWith('..') ? file : relative;
};

/** Where a tool runs: the project root by default, or an exported tree with its own code first on sys.path. */
export interface ToolPlace {
  cwd: string;
  env?: Record<string, string>;
}

/** Alembic's `-c INI`, written from the project root as plans show it, made absolute for a run from another folder. */
const iniFromRoot = (ctx: Context, args: string[]): string[] => (args[0] === '-c' && args[1] !== undefined ? ['-c', path.resolve(ctx.root, args[1]), ...args.slice(2)] : args);

/**
 * Runs one of the preset's commands, streaming its lines to the step: Alembic from
 * the development INI's folder (ctx.alembicDir), anything else from the project root,
 * unless `place` says otherwise.
 */
export async function runTool(ctx: Context, command: Command, io: StepIO, step: string, place?: ToolPlace): Promise<RunResult> {
  const executable = findTool(ctx.python, command.tool);
  if (!executable) {
    throw usageError(`${command.tool} is not in ${path.dirname(ctx.python)} nor on PATH; install it into the project's Python environment.`);
  }
  const isAlembic = command.tool === 'alembic';
  if (isAlembic && place === undefined) {
    const { exitCode, lines } = await runAlembic(ctx.python, ctx.alembicDir, iniFromRoot(ctx, command.args), ctx.secrets, ctx.verbose ? (line) => io.output(line) : undefined);
    return finish(command, lines, exitCode, step);
  }
  return runCommand(isAlembic ? { ...command, args: iniFromRoot(ctx, command.args) } : command, {
    cwd: place?.cwd ?? ctx.root,
    env: place?.env,
    executable,
    secrets: [...ctx.secrets, ...(command.secrets ?? [])],
    step,
    onLine: ctx.verbose ? (line) => io.output(line) : undefined,
  });
}

/** The plan line for a command. */
export const planCommand = (command: Command): string => `$ ${formatCommand(command)}`;

/** Refuses any write aimed at the development database. */
export function assertNotDevelopment(ctx: Context, target: DatabaseTarget, what: string): void {
  if (sameDatabase(target, ctx.devDb)) {
    throw usageError(
      `The ${what} ${describeTarget(target, ctx.root)} is the development database of ${shown(ctx, ctx.devIni)}; set "throwawayDb" in devdb.json to another database, such as temp.db.`,
    );
  }
}
