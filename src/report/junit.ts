import { create } from 'xmlbuilder2';
import { CI_CHECKS, checkLabel, type CiCheckId, type CiResult } from './ci.js';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * devdb ci as JUnit XML, the shape Jenkins, GitLab and the GitHub test-report actions
 * read: one testsuite per check, one testcase per check per engine, a failure carrying
 * the message.
 */
export function junitXml(result: CiResult): string {
  const failures = result.checks.filter((c) => c.status === 'failed').length;
  const total = result.checks.reduce((sum, c) => sum + c.ms, 0);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'devdb ci', tests: result.checks.length, failures, errors: 0, time: seconds(total) });
  for (const id of Object.keys(CI_CHECKS) as CiCheckId[]) {
    const checks = result.checks.filter((c) => c.id === id);
    if (checks.length === 0) continue;
    const suite = root.ele('testsuite', {
      name: `devdb ci: ${CI_CHECKS[id]}`,
      tests: checks.length,
      failures: checks.filter((c) => c.status === 'failed').length,
      errors: 0,
      skipped: checks.filter((c) => c.status === 'skipped').length,
      time: seconds(checks.reduce((sum, c) => sum + c.ms, 0)),
    });
    for (const check of checks) {
      const testcase = suite.ele('testcase', { classname: `devdb.ci.${id}`, name: checkLabel(check), time: seconds(check.ms), ...(check.file ? { file: check.file } : {}) });
      if (check.status === 'failed') testcase.ele('failure', { message: check.message ?? 'failed', type: id }).txt([check.message ?? 'failed', ...(check.file ? [`${check.file}${check.line ? `:${check.line}` : ''}`] : []), ...(check.detail ? [check.detail] : [])].join('\n'));
      else if (check.status === 'skipped') testcase.ele('skipped', { message: check.message ?? 'skipped' });
    }
  }
  return root.end({ prettyPrint: true });
}
