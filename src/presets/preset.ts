import type { Command, SetupOptions } from './command.js';

/** What a project looks like to detection: its root, and whether its Python has a console script. */
export interface ProjectProbe {
  root: string;
  has(tool: string): boolean;
}

/** How a preset fits a project: surely (its own tool is there), maybe (nothing speaks against it), or not at all (undefined). */
export type Fit = 'sure' | 'maybe' | undefined;

/** The settings of devdb.json a preset reads (the alembic preset's own setup). */
export interface PresetSettings {
  setupCommand?: readonly string[];
  setup?: 'migrations' | 'models';
}

/** Advice lint gives in the preset's words: Kallithea's guide is quoted only to Kallithea's developers. */
export interface LintWording {
  /** Why a downgrade may keep the columns its upgrade adds (a clause, no full stop). */
  keepColumns: string;
  /** Why to move an op into a batch block, appended to "Move it into a batch block". */
  batch: string;
}

/** What a project's Python must be for the preset's tools, besides what devdb itself needs. */
export interface PythonNeed {
  what: string;
  need: string;
  has(version: readonly [major: number, minor: number]): boolean;
}

/**
 * Everything that differs between kinds of project: how to detect one, how each
 * documented step maps to real commands (argv builders, no I/O), where its models and
 * migrations live, what else decides a fresh database, and how lint words its advice.
 */
export interface Preset<Name extends string = string> {
  name: Name;
  summary: string;
  /** Whether this preset fits the project; the first sure fit in the list of presets wins, else the first maybe. */
  detect(project: ProjectProbe): Fit;
  /** Executables the preset needs next to the project's Python. */
  tools: string[];
  /** Those of its tools devdb's helper runs in-process (console scripts importing the project once per run); alembic always is. */
  inProcessTools: readonly string[];
  /** Refuses, in one sentence, a source tree the preset's tools cannot build (the wrong Kallithea generation). */
  checkSource?(root: string): void;
  /** What the preset's tools need of the project's Python. */
  needsPython?: PythonNeed;
  /** How setup-db builds a database from empty: the preset's tool, migrations (alembic upgrade head), the models (create_all, stamp head) or the project's own command. */
  setup?: 'migrations' | 'models' | 'command';
  /**
   * Modules whose import puts every model on the env's target_metadata, named where setup-db
   * is known to make exactly the schema of create_all on it (plus rows): then the model
   * database, which only its schema is read of, is built with create_all on SQLite instead of
   * setup-db. Left out, the model database runs setup-db.
   */
  schemaFromModels?: { modules: readonly string[] };
  /** Whether setup-db takes the admin options (and so needs a password). */
  needsAdmin: boolean;
  /** Sections that may hold sqlalchemy.url, in the order the Alembic env reads them; the last is where devdb sets it. */
  urlSections: readonly string[];
  /** Globs of the model files when devdb.json has no "models" (relative to the root). */
  models: readonly string[];
  /** Whether the model files are found from the Alembic env's target_metadata (cache/model-files.ts) rather than from the globs. */
  modelsFromEnv: boolean;
  /** The folder of migration scripts, relative to the root; undefined: the development INI's script_location plus versions/, as Alembic has it. */
  versions?: string;
  /** Besides the models, globs of the code setup-db runs that decides what a fresh database holds (a key of the reset cache). */
  setupSources: readonly string[];
  lint: LintWording;
  /** The preset as devdb.json's settings shape it; a preset no setting shapes leaves this out. */
  configure?(settings: PresetSettings): Preset<Name>;
  /** Creates the throwaway INI; undefined means "copy the development INI". */
  makeConfig(ini: string): Command | undefined;
  setupDb(options: SetupOptions): Command;
  /** Scans the repositories folder into the database; undefined where the project has no such step. */
  repoScan(ini: string): Command | undefined;
}
