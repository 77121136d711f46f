/**
 * The neutral schema model every engine inspects into (after Atlas's sql/schema).
 * Names and SQL fragments (types, defaults, CHECK expressions) are kept as the
 * database reports them; comparing them loosely is the diff's job, not the inspector's.
 * Engine-specific details hang off `attributes` instead of widening the model.
 */

/** The database engines devdb drives; every schema says which one it came from. */
/** The engines devdb drives, in the order --engine all proves them after the configured one. */
export const ENGINE_NAMES = ['sqlite', 'postgres', 'mysql'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
/** The engines that live on a server. */
export type ServerEngine = Exclude<EngineName, 'sqlite'>;

export interface Column {
  name: string;
  /** The declared type as written, e.g. "VARCHAR(50)"; "" when the engine allows none. */
  type: string;
  nullable: boolean;
  /** The default as an SQL expression ("'abc'", "0", "CURRENT_TIMESTAMP"), or null for none. */
  default: string | null;
  primaryKey: boolean;
  /** SQLite: "generated" is "virtual" or "stored" for a generated column. */
  attributes?: Record<string, string>;
}

export interface Index {
  name: string;
  /** Column names in index order; an expression part is shown as "<expression>". */
  columns: string[];
  unique: boolean;
}

export interface UniqueConstraint {
  /** Null when the database generated the name or keeps none. */
  name: string | null;
  columns: string[];
}

export interface ForeignKey {
  name: string | null;
  columns: string[];
  refTable: string;
  refColumns: string[];
  /** The referential actions in upper case; "NO ACTION" when none was declared. */
  onDelete: string;
  onUpdate: string;
}

export interface CheckConstraint {
  name: string | null;
  /** The expression inside CHECK ( … ), as written. */
  expression: string;
}

export interface Table {
  name: string;
  columns: Column[];
  indexes: Index[];
  uniques: UniqueConstraint[];
  foreignKeys: ForeignKey[];
  checks: CheckConstraint[];
  /** SQLite: "withoutRowid" and "strict" are "true" when declared. */
  attributes?: Record<string, string>;
}

export interface Schema {
  engine: EngineName;
  tables: Table[];
}
