import { describe, expect, it } from 'vitest';
import { chainProblems } from '../../src/migration/chain.js';
import { reparentSource } from '../../src/migration/reparent.js';
import { ciExitCode, type CiResult } from '../../src/report/ci.js';
import { junitXml } from '../../src/report/junit.js';
import { ciMarkdown } from '../../src/report/markdown.js';
import { sarifLog } from '../../src/report/sarif.js';
import { parseJunit, validSarif } from '../support/ci-reports.js';

const MIGRATION = 'migrations/versions/abc_notes_author.py';

/** A branch whose heads fork and whose migration has a lint error, on two engines, one of them losing rows on the downgrade. */
const failing: CiResult = {
  base: { name: 'main', tip: 'a'.repeat(40), mergeBase: 'b'.repeat(40) },
  engines: ['sqlite', 'postgres'],
  migrations: [MIGRATION],
  models: ['app/models.py'],
  checks: [
    { id: 'models', engine: 'sqlite', status: 'passed', ms: 1200 },
    { id: 'models', engine: 'postgres', status: 'failed', message: 'The models changed (app/models.py) & differ: <notes.author>', detail: '│ INFO  [alembic] upgrade\n│ done', file: 'app/models.py', line: 1, ms: 900 },
    { id: 'heads', engine: null, status: 'failed', message: 'The migrations would have 2 heads (abc, def); re-parent the new migration onto the other head with "devdb rebase" | or merge.', file: MIGRATION, line: 16, ms: 3 },
    { id: 'verify', engine: 'sqlite', status: 'passed', ms: 2000 },
    { id: 'verify', engine: 'postgres', status: 'skipped', message: 'the round trip stopped', ms: 0 },
    { id: 'lint', engine: null, status: 'failed', message: '1 lint error(s)', file: MIGRATION, line: 22, ms: 40 },
  ],
  lint: [
    {
      file: MIGRATION,
      findings: [
        { rule: 'destructive-upgrade', severity: 'error', line: 22, message: 'upgrade() drops notes.body.', suggestion: 'Keep the column.' },
        { rule: 'sqlite-needs-batch', severity: 'warning', line: 31, message: 'drop_column outside batch mode.', suggestion: 'Use a batch block.' },
        { rule: 'noop-downgrade-keeps-columns', severity: 'info', line: 35, message: 'downgrade() keeps notes.author.', suggestion: 'Fine on purpose.' },
      ],
    },
  ],
  downgradeLosses: [
    { engine: 'sqlite', revision: 'abc', file: MIGRATION, table: 'notes', column: 'author', rows: 2, allowed: 'added' },
    { engine: 'postgres', revision: 'abc', file: MIGRATION, table: 'notes', column: null, rows: 3, allowed: null },
  ],
};

const passing: CiResult = {
  ...failing,
  engines: ['sqlite'],
  checks: [
    { id: 'models', engine: 'sqlite', status: 'passed', ms: 1 },
    { id: 'heads', engine: null, status: 'passed', ms: 1 },
    { id: 'verify', engine: 'sqlite', status: 'passed', ms: 1 },
    { id: 'lint', engine: null, status: 'passed', ms: 1 },
  ],
  lint: [],
  downgradeLosses: [],
};

describe('devdb ci reports', () => {
  it('JUnit: one testsuite per check, one testcase per check per engine, failures carrying the message, as a real XML parser reads it', () => {
    const root = parseJunit(junitXml(failing)).testsuites;
    expect(root).toMatchObject({ name: 'devdb ci', tests: '6', failures: '3', errors: '0' });
    expect(root.testsuite.map((s) => s.name)).toEqual([
      'devdb ci: models and migrations agree',
      'devdb ci: one head, with the base branch',
      'devdb ci: each new migration up, down, up',
      'devdb ci: lint of the new migrations',
    ]);
    const models = root.testsuite[0]!;
    expect(models).toMatchObject({ tests: '2', failures: '1', skipped: '0', time: '2.100' });
    expect(models.testcase[0]).toEqual({ classname: 'devdb.ci.models', name: 'models and migrations agree on sqlite', time: '1.200' });
    expect(models.testcase[1]?.failure).toEqual({ message: 'The models changed (app/models.py) & differ: <notes.author>', type: 'models', '#text': 'The models changed (app/models.py) & differ: <notes.author>\napp/models.py:1\n│ INFO  [alembic] upgrade\n│ done' });
    expect(root.testsuite[2]?.testcase[1]?.skipped).toEqual({ message: 'the round trip stopped' });
    const passed = parseJunit(junitXml(passing)).testsuites;
    expect(passed).toMatchObject({ tests: '4', failures: '0' });
  });

  it('SARIF: valid against the 2.1.0 schema, lint findings and failed checks with file and line', () => {
    const log = sarifLog(failing, '0.1.0');
    expect(validSarif(log), JSON.stringify(validSarif.errors)).toBe(true);
    expect(validSarif(sarifLog(passing, '0.1.0'))).toBe(true);
    const results = (log.runs as { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[])[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['ci/models', 'error', 'app/models.py', 1],
      ['ci/heads', 'error', MIGRATION, 16],
      ['ci/lint', 'error', MIGRATION, 22],
      ['lint/destructive-upgrade', 'error', MIGRATION, 22],
      ['lint/sqlite-needs-batch', 'warning', MIGRATION, 31],
      ['lint/noop-downgrade-keeps-columns', 'note', MIGRATION, 35],
    ]);
    expect(validSarif({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it('Markdown: an engine × check table, failures with where to look, lint findings with lines, downgrade losses; pipes escaped', () => {
    const text = ciMarkdown(failing);
    expect(text).toContain('## devdb ci: ❌ failed');
    expect(text).toContain('| engine | models and migrations agree | one head, with the base branch | each new migration up, down, up | lint of the new migrations |');
    expect(text).toContain('| sqlite | ✅ passed | ❌ failed | ✅ passed | ❌ failed |');
    expect(text).toContain('| postgres | ❌ failed | ❌ failed | ⏭️ skipped | ❌ failed |');
    expect(text).toContain(`- **one head, with the base branch** (\`${MIGRATION}:16\`): The migrations would have 2 heads (abc, def); re-parent the new migration onto the other head with "devdb rebase" \\| or merge.`);
    expect(text).toContain(`| \`${MIGRATION}\` | 22 | error | \`destructive-upgrade\` | upgrade() drops notes.body. Keep the column. |`);
    expect(text).toContain('| engine | revision | file | table | column | rows | allowed because |');
    expect(text).toContain(`| sqlite | \`abc\` | \`${MIGRATION}\` | \`notes\` | \`author\` | 2 | its upgrade added it |`);
    expect(text).toContain(`| postgres | \`abc\` | \`${MIGRATION}\` | \`notes\` | (rows) | 3 | ⚠️ not allowed: it was there before the upgrade |`);
    const clean = ciMarkdown(passing);
    expect(clean).toContain('## devdb ci: ✅ passed');
    expect(clean).not.toContain('### ');
  });

  it('exit codes: 0 when everything passed, 1 for a failed check, 2 when only environment problems failed', () => {
    expect(ciExitCode(passing)).toBe(0);
    expect(ciExitCode(failing)).toBe(1);
    expect(ciExitCode({ ...passing, checks: [{ id: 'verify', engine: 'sqlite', status: 'failed', usage: true, ms: 0 }] })).toBe(2);
  });

  it('the walk: one verify testcase per revision, the failing one named with its step; the table cell is failed when one revision failed', () => {
    const walked: CiResult = {
      ...passing,
      checks: [
        { id: 'models', engine: 'sqlite', status: 'passed', ms: 1 },
        { id: 'heads', engine: null, status: 'passed', ms: 1 },
        { id: 'verify', engine: 'sqlite', revision: 'aaa', status: 'passed', ms: 1 },
        { id: 'verify', engine: 'sqlite', revision: 'bbb', step: 'downgrade', status: 'failed', message: 'Revision bbb: after its downgrade the database differs.', file: MIGRATION, line: 28, ms: 1 },
        { id: 'verify', engine: 'sqlite', revision: 'ccc', status: 'skipped', message: 'not walked', ms: 0 },
        { id: 'lint', engine: null, status: 'passed', ms: 1 },
      ],
    };
    const verify = parseJunit(junitXml(walked)).testsuites.testsuite.find((s) => s.name === 'devdb ci: each new migration up, down, up');
    expect(verify?.testcase.map((c) => c.name)).toEqual(['each new migration up, down, up aaa on sqlite', 'each new migration up, down, up bbb (downgrade failed) on sqlite', 'each new migration up, down, up ccc on sqlite']);
    expect(verify).toMatchObject({ tests: '3', failures: '1', skipped: '1' });
    const text = ciMarkdown(walked);
    expect(text).toContain('| sqlite | ✅ passed | ✅ passed | ❌ failed | ✅ passed |');
    expect(text).toContain(`- **each new migration up, down, up bbb (downgrade failed) on sqlite** (\`${MIGRATION}:28\`): Revision bbb: after its downgrade the database differs.`);
    expect(validSarif(sarifLog(walked, '0.1.0'))).toBe(true);
  });
});

describe('re-parenting a migration script', () => {
  const script = ['"""notes: author', '', 'Revision ID: abc', 'Revises: old1', 'Create Date: 2026-12-02', '', '"""', "revision: str = 'abc'", "down_revision: Union[str, Sequence[str], None] = 'old1'  # parent", 'branch_labels = None', '', 'def upgrade():', "    op.execute('Revises: old1')", ''].join('\n');

  it('changes only the down_revision value and the docstring Revises: line', () => {
    const { source, from } = reparentSource(script, 'new2');
    expect(from).toBe('old1');
    const changed = source.split('\n').map((line, i) => [line, script.split('\n')[i]]).filter(([after, before]) => after !== before);
    expect(changed).toEqual([
      ['Revises: new2', 'Revises: old1'],
      ["down_revision: Union[str, Sequence[str], None] = 'new2'  # parent", "down_revision: Union[str, Sequence[str], None] = 'old1'  # parent"],
    ]);
    expect(reparentSource('revision = "x"\ndown_revision = "y"\n', 'z').source).toBe('revision = "x"\ndown_revision = "z"\n');
  });

  it('is the fix devdb check and devdb ci name for a second head the new migration makes', () => {
    const base = [{ file: '1.py', revision: '1', downRevisions: [] }, { file: '2.py', revision: '2', downRevisions: ['1'] }];
    const fork = { file: '3.py', revision: '3', downRevisions: ['1'] };
    expect(chainProblems([...base, fork], [fork])).toEqual(['The migrations would have 2 heads (2, 3); re-parent the new migration onto the other head with "devdb rebase", or merge them with "alembic merge".']);
  });
});
