import { DevdbError } from '../../errors.js';
import { withoutRerunAdvice } from '../../python/run.js';

/** Upgrade failures people meet often, told by the database's words, with the change to the migration that avoids each. */
const KNOWN: { pattern: RegExp; explain: string }[] = [
  {
    pattern: /NOT NULL constraint failed|Cannot add a NOT NULL column|contains null values|Invalid use of NULL value|cannot be null/i,
    explain:
      'a NOT NULL column meets existing rows that have no value for it: add it nullable, backfill it with op.execute("UPDATE ..."), then alter_column(..., nullable=False), or give it a server_default',
  },
  {
    pattern: /No support for ALTER of constraints|near "(ALTER|DROP)": syntax error|sqlite.*does not support|NotImplementedError: .*SQLite/i,
    explain: "SQLite's ALTER TABLE cannot make this change: move the operation into batch mode (with op.batch_alter_table('TABLE') as batch_op: batch_op.OPERATION(...))",
  },
  {
    pattern: /UNIQUE constraint failed|duplicate key value|could not create unique index|Duplicate entry/i,
    explain: 'existing rows hold the same value twice for the new unique constraint or index: remove or merge the duplicates with op.execute(...) before creating it, or do not make it unique',
  },
];

/** The error of a failed upgrade, told in one sentence with its fix when the failure is a known one; otherwise unchanged. */
export function explainFailure(error: unknown): unknown {
  if (!(error instanceof DevdbError)) return error;
  const text = `${error.message}\n${error.detail ?? ''}`;
  const known = KNOWN.find((k) => k.pattern.test(text));
  if (!known) return error;
  return new DevdbError(`${withoutRerunAdvice(error.message)}; ${known.explain}.`, { exitCode: error.exitCode, detail: error.detail, cause: error });
}
