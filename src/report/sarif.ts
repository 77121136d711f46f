import type { LintFinding } from '../migration/lint/index.js';
import { CI_CHECKS, checkLabel, type CiCheckId, type CiResult } from './ci.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVEL: Record<LintFinding['severity'], 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

const location = (file: string, line: number | undefined) => ({
  physicalLocation: { artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' }, region: { startLine: Math.max(line ?? 1, 1) } },
});

/**
 * devdb ci as SARIF 2.1.0: lint findings and failed checks as results on the migration
 * file and line (paths relative to the checkout's top), which GitHub code scanning
 * shows on the pull request's diff.
 */
export function sarifLog(result: CiResult, version: string): Record<string, unknown> {
  const lintRules = [...new Set(result.lint.flatMap((l) => l.findings.map((f) => f.rule)))];
  const rules = [
    ...(Object.keys(CI_CHECKS) as CiCheckId[]).map((id) => ({ id: `ci/${id}`, shortDescription: { text: CI_CHECKS[id] } })),
    ...lintRules.map((rule) => ({ id: `lint/${rule}`, shortDescription: { text: `devdb lint rule ${rule}` } })),
  ];
  const lintResults = result.lint.flatMap(({ file, findings }) =>
    findings.map((f) => ({ ruleId: `lint/${f.rule}`, level: LEVEL[f.severity], message: { text: `${f.message} ${f.suggestion}` }, locations: [location(file, f.line)] })),
  );
  const checkResults = result.checks
    .filter((c) => c.status === 'failed' && c.file)
    .map((c) => ({ ruleId: `ci/${c.id}`, level: 'error', message: { text: `${checkLabel(c)}: ${c.message ?? 'failed'}` }, locations: [location(c.file!, c.line)] }));
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'devdb', version, rules } },
        results: [...checkResults, ...lintResults],
      },
    ],
  };
}
