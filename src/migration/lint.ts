import type { EngineName } from '../schema/model.js';
import { PRESETS, presetNamed, type PresetName } from '../presets/index.js';
import type { LintWording } from '../presets/preset.js';
import type { MigrationFunction, MigrationOp, MigrationScript } from './script.js';

/** The ids of lint's rules; they are part of devdb's output, so they never change. */
export type LintRule =
  | 'syntax-error'
  | 'empty-upgrade'
  | 'destructive-upgrade'
  | 'downgrade-drops-added-column'
  | 'missing-downgrade'
  | 'noop-downgrade-keeps-columns'
  | 'sqlite-needs-batch'
  | 'not-null-without-default'
  | 'multiple-heads';

/** One thing to fix (or, as info, a choice to confirm) in a draft migration script. */
export interface LintFinding {
  rule: LintRule;
  severity: 'error' | 'warning' | 'info';
  line: number;
  message: string;
  suggestion: string;
}

/** What lint knows besides the script. */
export interface LintContext {
  /** The engine the script will run on. */
  engine: EngineName;
  /** Tables that hold rows in the database the script will upgrade. */
  tablesWithRows?: Set<string>;
  /** Alembic's heads, with the draft in place. */
  heads?: string[];
  /** The kind of project, for wording: Kallithea's guide is quoted only to Kallithea's developers. */
  preset?: PresetName;
}

type Named = [name: 'upgrade' | 'downgrade', fn: MigrationFunction];

/** Operations that leave no schema change to undo: a batch block only groups others, and data changes often cannot be undone. */
const NOT_SCHEMA = new Set(['batch_alter_table', 'execute', 'bulk_insert']);

const label = (op: MigrationOp): string => [op.table ?? '?', op.column].filter((part) => part !== null).join('.');

/** The preset's words for lint's advice; without a preset, those of the first, Kallithea, whose guide lint follows. */
const wordingOf = (preset: PresetName | undefined): LintWording => (preset ? presetNamed(preset) : PRESETS[0]).lint;

/** Checks a draft migration script the way Kallithea's "edit the script to clean it up" step asks a person to. */
export function lintMigration(script: MigrationScript, context: LintContext): LintFinding[] {
  const findings = multipleHeads(script, context.heads ?? []);
  if (script.syntaxError) {
    const { line, message } = script.syntaxError;
    findings.push({
      rule: 'syntax-error',
      severity: 'error',
      line,
      message: `The script does not parse: ${message}.`,
      suggestion: 'Fix the Python syntax at that line; Alembic cannot load the script, and no other check can run until it parses.',
    });
    return findings;
  }
  const { upgrade, downgrade } = script.functions;
  const named: Named[] = downgrade ? [['upgrade', upgrade], ['downgrade', downgrade]] : [['upgrade', upgrade]];
  const wording = wordingOf(context.preset);
  findings.push(...emptyUpgrade(upgrade), ...destructiveUpgrade(upgrade), ...missingDowngrade(upgrade, downgrade, wording));
  if (downgrade) findings.push(...downgradeDropsAddedColumn(upgrade, downgrade, wording));
  for (const [name, fn] of named) {
    if (context.engine === 'sqlite') findings.push(...sqliteNeedsBatch(name, fn, wording));
    findings.push(...notNullWithoutDefault(name, fn, context));
  }
  return findings.sort((a, b) => a.line - b.line);
}

function multipleHeads(script: MigrationScript, heads: string[]): LintFinding[] {
  if (heads.length <= 1) return [];
  return [{
    rule: 'multiple-heads',
    severity: 'error',
    line: script.downRevisionLine ?? 1,
    message: `Alembic has ${heads.length} heads (${heads.join(', ')}), so "alembic upgrade head" refuses to run.`,
    suggestion: 'Set down_revision to the head this change builds on, or join the branches with "alembic merge -m \'merge heads\' heads".',
  }];
}

function emptyUpgrade(upgrade: MigrationFunction): LintFinding[] {
  if (!upgrade.empty) return [];
  return [{
    rule: 'empty-upgrade',
    severity: 'error',
    line: upgrade.line,
    message: 'upgrade() does nothing: autogenerate found no difference between the models and the database.',
    suggestion:
      'The development database probably has the change already (it was created or upgraded after db.py changed); recreate it at the revision before your change and autogenerate again, or write the operations by hand.',
  }];
}

function destructiveUpgrade(upgrade: MigrationFunction): LintFinding[] {
  return upgrade.ops
    .filter((op) => op.name === 'drop_table' || op.name === 'drop_column')
    .map((op) => {
      const kind = op.name === 'drop_table' ? 'table' : 'column';
      return {
        rule: 'destructive-upgrade',
        severity: 'warning',
        line: op.line,
        message: `upgrade() drops ${kind} ${label(op)}: its data is lost, and downgrade() can bring back the ${kind} but not the data.`,
        // Autogenerate cannot see renames; it writes a drop and an add instead.
        suggestion: `If this is a rename, replace the drop and the add with ${kind === 'table' ? 'op.rename_table' : 'alter_column(..., new_column_name=...)'}; otherwise make sure nothing still needs the data.`,
      } satisfies LintFinding;
    });
}

function downgradeDropsAddedColumn(upgrade: MigrationFunction, downgrade: MigrationFunction, wording: LintWording): LintFinding[] {
  const added = new Set(upgrade.ops.filter((op) => op.name === 'add_column').map(label));
  return downgrade.ops
    .filter((op) => op.name === 'drop_column' && added.has(label(op)))
    .map((op) => ({
      rule: 'downgrade-drops-added-column',
      severity: 'warning',
      line: op.line,
      message: `downgrade() drops ${label(op)}, which upgrade() adds: whatever was stored in it since the upgrade is lost.`,
      suggestion: `${wording.keepColumns}, since older versions of the code ignore unknown columns; consider deleting this drop_column (leave pass if nothing else remains).`,
    }));
}

function missingDowngrade(upgrade: MigrationFunction, downgrade: MigrationFunction | null, wording: LintWording): LintFinding[] {
  if (!downgrade) {
    return [{
      rule: 'missing-downgrade',
      severity: 'error',
      line: upgrade.line,
      message: 'The script has no downgrade() function, so "alembic downgrade" fails on it.',
      suggestion: 'Add a downgrade() that undoes upgrade(): pass is enough for added columns, and raise NotImplementedError if the change cannot be undone.',
    }];
  }
  const upgrades = upgrade.ops.filter((op) => !NOT_SCHEMA.has(op.name));
  if (!downgrade.empty || upgrades.length === 0) return [];
  const others = upgrades.filter((op) => op.name !== 'add_column');
  if (others.length === 0) {
    return [{
      rule: 'noop-downgrade-keeps-columns',
      severity: 'info',
      line: downgrade.line,
      message: `downgrade() keeps the columns upgrade() adds (${upgrades.map(label).join(', ')}).`,
      suggestion: `Nothing to do if that is deliberate: ${wording.keepColumns}.`,
    }];
  }
  return [{
    rule: 'missing-downgrade',
    severity: 'error',
    line: downgrade.line,
    message: `downgrade() is empty, but upgrade() does more than add columns (${[...new Set(others.map((op) => op.name))].join(', ')}), so downgrading leaves that change in place.`,
    suggestion: 'Write the reverse operations in reverse order, as autogenerate drafts them, or raise NotImplementedError if the change cannot be undone.',
  }];
}

/** What SQLite's ALTER TABLE cannot do, so Alembic needs batch mode (copy the table) for it. */
const SQLITE_CANNOT: Record<string, string> = {
  alter_column: 'alter a column',
  drop_column: 'drop a column before SQLite 3.35, nor one that is indexed or constrained after',
  create_unique_constraint: 'add a constraint',
  create_foreign_key: 'add a constraint',
  create_check_constraint: 'add a constraint',
  create_primary_key: 'add a constraint',
  drop_constraint: 'drop a constraint',
};

function sqliteNeedsBatch(name: Named[0], fn: MigrationFunction, wording: LintWording): LintFinding[] {
  return fn.ops
    .filter((op) => !op.batch && op.name in SQLITE_CANNOT)
    .map((op) => ({
      rule: 'sqlite-needs-batch',
      // SQLite 3.35+ drops a plain column with ALTER, so autogenerate's own downgrade runs; older ones and the rest cannot.
      severity: op.name === 'drop_column' ? 'warning' : 'error',
      line: op.line,
      message: `${name}() calls op.${op.name} on ${label(op)} outside batch mode, and SQLite's ALTER TABLE cannot ${SQLITE_CANNOT[op.name]}.`,
      suggestion: `Move it into a batch block${wording.batch}: with op.batch_alter_table('${op.table ?? 'TABLE'}', schema=None) as batch_op: batch_op.${op.name}(...) without the table argument.`,
    }));
}

/**
 * The two fixes of a NOT NULL column added to a table with rows that pass devdb verify:
 * a server_default only in the draft would differ from the models, so it goes in both.
 */
function notNullFix(op: MigrationOp): string {
  const table = op.table ?? 'TABLE';
  const column = op.column ?? 'COLUMN';
  const type = typeof op.args.type_ === 'string' ? `sa.${op.args.type_}` : 'ITS_TYPE';
  return [
    `Either give ${column} the same server_default in the model and in this add_column (server_default='VALUE' in both; devdb verify compares the upgraded database with the models),`,
    `or fill it in the draft in three steps: add it with nullable=True, then op.execute("UPDATE ${table} SET ${column} = VALUE"),`,
    `then with op.batch_alter_table('${table}') as batch_op: batch_op.alter_column('${column}', existing_type=${type}, nullable=False);`,
    'then run devdb apply.',
  ].join(' ');
}

function notNullWithoutDefault(name: Named[0], fn: MigrationFunction, context: LintContext): LintFinding[] {
  return fn.ops
    .filter((op) => op.name === 'add_column' && op.args.nullable === false && op.args.server_default == null)
    .map((op) => {
      const hasRows = op.table !== null && (context.tablesWithRows?.has(op.table) ?? false);
      // When SQLite batch mode recreates the table, Alembic copies the rows with default= filled in; nothing else does.
      const copied = context.engine === 'sqlite' && op.batch && 'default' in op.args;
      const pythonDefault = 'default' in op.args ? ' (default= only fills rows SQLAlchemy inserts later)' : '';
      const where = hasRows ? `here, where ${op.table} has rows` : `wherever ${op.table ?? 'the table'} has rows`;
      return {
        rule: 'not-null-without-default',
        severity: hasRows && !copied ? 'error' : 'warning',
        line: op.line,
        message: copied
          ? `${name}() adds ${label(op)} as NOT NULL without a server_default: existing rows get its default= only if SQLite batch mode copies the table, and never on PostgreSQL.`
          : `${name}() adds ${label(op)} as NOT NULL without a server_default${pythonDefault}, so ${name}() fails ${where}.`,
        suggestion: name === 'upgrade' ? notNullFix(op) : `Give it a server_default (server_default='...' or sa.text('0')) in this add_column: it re-creates a column the models no longer have.`,
      } satisfies LintFinding;
    });
}
