import type { LintWording } from '../../presets/preset.js';
import type { MigrationFunction, MigrationScript } from '../script.js';
import { label, type LintFinding } from './types.js';

/** Operations that leave no schema change to undo: a batch block only groups others, and data changes often cannot be undone. */
const NOT_SCHEMA = new Set(['batch_alter_table', 'execute', 'bulk_insert']);

export function multipleHeads(script: MigrationScript, heads: string[]): LintFinding[] {
  if (heads.length <= 1) return [];
  return [{
    rule: 'multiple-heads',
    severity: 'error',
    line: script.downRevisionLine ?? 1,
    message: `Alembic has ${heads.length} heads (${heads.join(', ')}), so "alembic upgrade head" refuses to run.`,
    suggestion: 'Set down_revision to the head this change builds on, or join the branches with "alembic merge -m \'merge heads\' heads".',
  }];
}

export function syntaxError({ line, message }: { line: number; message: string }): LintFinding {
  return {
    rule: 'syntax-error',
    severity: 'error',
    line,
    message: `The script does not parse: ${message}.`,
    suggestion: 'Fix the Python syntax at that line; Alembic cannot load the script, and no other check can run until it parses.',
  };
}

export function emptyUpgrade(upgrade: MigrationFunction): LintFinding[] {
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

export function missingDowngrade(upgrade: MigrationFunction, downgrade: MigrationFunction | null, wording: LintWording): LintFinding[] {
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
