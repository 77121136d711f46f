import { describe, expect, it } from 'vitest';
import { DevdbError, EXIT } from '../../src/errors.js';
import { explainFailure } from '../../src/steps/shared/explain.js';

const failed = (diagnosis: string, detail = ''): DevdbError =>
  new DevdbError(`the upgrade failed: ${diagnosis}; fix the cause in its output and run again.`, { exitCode: EXIT.failed, detail });

const message = (error: unknown): string => (error as Error).message;

describe('explaining common upgrade failures', () => {
  it('NOT NULL over existing rows, on each engine, in one sentence with the fix', () => {
    for (const diagnosis of [
      'sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: _alembic_tmp_posts.slug',
      'sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) Cannot add a NOT NULL column with default value NULL',
      'sqlalchemy.exc.IntegrityError: (psycopg2.errors.NotNullViolation) column "slug" of relation "posts" contains null values',
      'sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (1138, \'Invalid use of NULL value\')',
    ]) {
      const explained = explainFailure(failed(diagnosis));
      expect(message(explained)).toMatch(/^the upgrade failed: .*; a NOT NULL column meets existing rows .*add it nullable, backfill it with op\.execute.*server_default\.$/);
      expect((explained as DevdbError).exitCode).toBe(EXIT.failed);
    }
  });

  it('SQLite ALTER of constraints needs batch mode; duplicates block a new unique', () => {
    expect(message(explainFailure(failed('NotImplementedError: No support for ALTER of constraints in SQLite dialect. Please refer to the batch mode feature')))).toContain('batch mode');
    expect(message(explainFailure(failed('sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed: users.email')))).toContain('remove or merge the duplicates');
    expect(message(explainFailure(failed('x', "pymysql.err.IntegrityError: (1062, \"Duplicate entry 'a' for key 'uq_users_email'\")")))).toContain('duplicates');
  });

  it('leaves other failures and other errors as they are', () => {
    const other = failed('RuntimeError: half-way through');
    expect(explainFailure(other)).toBe(other);
    const plain = new Error('x');
    expect(explainFailure(plain)).toBe(plain);
  });
});
