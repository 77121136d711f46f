import type { EngineName, Schema } from '../schema/model.js';
import type { DatabaseTarget } from './url.js';
import type { TableValues } from './values.js';

/**
 * Reads one database into the neutral model, after Atlas's inspectors: every engine's
 * inspect.ts makes one, over whatever reaches that database (a file, a query).
 */
export interface Inspector {
  inspect(): Schema | Promise<Schema>;
}

/** What seeding did to one table: `skipped` says why no row could be inserted. */
export interface SeedResult {
  table: string;
  inserted: number;
  skipped?: string;
}

/**
 * What devdb does to a database, the same way on every engine: the steps call
 * these and never a driver. A server engine's targets name one database on the
 * server (`target.database`); a SQLite target is a file (`target.file`).
 */
export interface Engine {
  readonly name: EngineName;
  /** Loads what the engine's first real work will (SQLite: its driver), so that a caller waiting on something else can let it load meanwhile. */
  warm(): Promise<void>;
  /** Whether the database exists (SQLite: the file). */
  exists(target: DatabaseTarget): Promise<boolean>;
  /**
   * Creates an empty database carrying `marker`, devdb's proof of ownership
   * (PostgreSQL: COMMENT ON DATABASE; MariaDB: the schema comment); refuses one that exists.
   * SQLite creates nothing here: the tools create the file, and its identity is the marker.
   */
  create(target: DatabaseTarget, marker: string): Promise<void>;
  /** The marker `create` or `copy` left, or the file identity for SQLite; undefined when none. */
  marker(target: DatabaseTarget): Promise<string | undefined>;
  /** Drops the database; the caller has checked devdb owns it. Missing is fine. */
  drop(target: DatabaseTarget): Promise<void>;
  /**
   * Copies `source` into `dest`, which must not exist, leaving `marker` on the copy.
   * PostgreSQL (CREATE DATABASE … TEMPLATE) refuses while anyone else is connected to
   * `source`; MariaDB copies table by table and does not keep writers out meanwhile.
   */
  copy(source: DatabaseTarget, dest: DatabaseTarget, marker: string): Promise<void>;
  /** The schema as the neutral model. */
  inspect(target: DatabaseTarget): Promise<Schema>;
  /** What the database holds, as parts to hash (SQLite: its bytes; a server: schema, rows and checksums per table), to tell later whether anything wrote to it. */
  fingerprint(target: DatabaseTarget): Promise<string[]>;
  /** Rows per user table (alembic_version excluded). */
  countRows(target: DatabaseTarget): Promise<Record<string, number>>;
  /** Each row's values of `tables`, by primary key, column by column (values.ts); missing tables and those without a primary key are left out. */
  values(target: DatabaseTarget, tables: string[]): Promise<TableValues[]>;
  /** Puts one row into each of `tables` that is empty, satisfying its constraints where it can. */
  seedRows(target: DatabaseTarget, tables: string[]): Promise<SeedResult[]>;
  /** Adds boundary rows (seed-shapes.ts) to each of `tables`; what a table refused is in `skipped`. */
  seedShapes(target: DatabaseTarget, tables: string[]): Promise<SeedResult[]>;
  /** The Alembic revisions in alembic_version; none when the table or database is missing. */
  revisions(target: DatabaseTarget): Promise<string[]>;
  /** Closes pooled connections so the process can exit (a MariaDB pool would keep it alive). */
  close(): Promise<void>;
}
