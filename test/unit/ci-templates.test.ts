import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (name: string) => parse(fs.readFileSync(fileURLToPath(new URL(`../../templates/ci/${name}`, import.meta.url)), 'utf8'));

/** The report files a `devdb ci` command line writes, by flag. */
function reportFiles(line: string): Record<string, string> {
  expect(line).toMatch(/^devdb ci /);
  return Object.fromEntries([...line.matchAll(/--(junit|sarif|markdown) (\S+)/g)].map((m) => [m[1], m[2]]));
}

describe('the CI recipes', () => {
  it('GitHub Actions: the branch with its history, Node and Python, PostgreSQL and MariaDB services, devdb ci with three reports, SARIF uploaded and the comment posted', () => {
    const workflow = read('github-actions.yml');
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toMatchObject({ 'security-events': 'write', 'pull-requests': 'write' });
    const job = workflow.jobs.migrations;
    expect(job.services.postgres).toMatchObject({ image: 'postgres:15', env: { POSTGRES_USER: 'root', POSTGRES_HOST_AUTH_METHOD: 'trust' }, ports: ['5432:5432'] });
    expect(job.services.mariadb).toMatchObject({ image: 'mariadb:10.11', ports: ['3306:3306'] });
    expect(job.env).toMatchObject({ DEVDB_POSTGRES_URL: 'postgresql://root@127.0.0.1:5432/postgres', DEVDB_MYSQL_URL: 'mysql://root@127.0.0.1:3306/' });
    const steps = job.steps as { name?: string; uses?: string; run?: string; with?: Record<string, unknown> }[];
    expect(steps.filter((s) => s.uses).map((s) => s.uses!.split('@')[0])).toEqual(['actions/checkout', 'actions/setup-node', 'actions/setup-python', 'github/codeql-action/upload-sarif', 'actions/upload-artifact']);
    expect(steps[0]!.with).toMatchObject({ 'fetch-depth': 0 });
    expect(steps.map((s) => s.name ?? s.uses!.split('@')[0])).toEqual([
      'actions/checkout', 'actions/setup-node', 'actions/setup-python', 'Install the project', "Point devdb at the project's Python", 'Install devdb', 'devdb ci', 'Upload SARIF', 'Comment on the pull request', 'Keep the reports',
    ]);
    const ci = steps.find((s) => s.run?.startsWith('devdb ci'))!.run!;
    expect(ci).toContain('--base-ref "$BASE_REF"');
    const files = reportFiles(ci);
    expect(files).toEqual({ junit: 'devdb-junit.xml', sarif: 'devdb.sarif', markdown: 'devdb-comment.md' });
    expect(steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!.with).toMatchObject({ sarif_file: files.sarif });
    expect(steps.find((s) => s.run?.startsWith('gh pr comment'))!.run).toContain(`--body-file ${files.markdown}`);
  });

  it('GitLab: merge requests only, full history, the services at their aliases, devdb ci with the JUnit report the merge request reads', () => {
    const { devdb: job } = read('gitlab-ci.yml');
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(job.services.map((s: { alias: string }) => s.alias)).toEqual(['postgres', 'mariadb']);
    expect(job.variables).toMatchObject({ GIT_DEPTH: '0', DEVDB_POSTGRES_URL: 'postgresql://root@postgres:5432/postgres', DEVDB_MYSQL_URL: 'mysql://root@mariadb:3306/' });
    expect(job.before_script).toContain('printf \'{ "python": ".venv/bin/python" }\\n\' > devdb.local.json\n');
    const ci = (job.script as string[]).find((line) => line.startsWith('devdb ci'))!;
    const files = reportFiles(ci);
    expect(job.artifacts).toEqual({ when: 'always', reports: { junit: files.junit }, paths: [files.junit, files.sarif, files.markdown] });
  });
});
