import { CI_CHECKS, type CiCheck, type CiCheckId, type CiResult } from './ci.js';
import { checkLabel, ciExitCode, lossReason } from './ci.js';

const ICON: Record<CiCheck['status'], string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped' };

/** Text inside a table cell or a list item: pipes and line breaks would end it. */
const cellText = (text: string): string => text.replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');

/**
 * devdb ci as a pull-request comment (and a GitHub job summary): an engine × check
 * table (each revision walked in its failures), the failures with where to look, lint findings with their lines, and the rows
 * a downgrade loses.
 */
export function ciMarkdown(result: CiResult): string {
  const ok = ciExitCode(result) === 0;
  const ids = Object.keys(CI_CHECKS) as CiCheckId[];
  const statusOf = (id: CiCheckId, engine: string): string => {
    // A check walked per revision is failed when one revision failed, passed when every walked one passed.
    const checks = result.checks.filter((c) => c.id === id && (c.engine === null || c.engine === engine));
    const status = (['failed', 'passed', 'skipped'] as const).find((s) => checks.some((c) => c.status === s));
    return status ? ICON[status] : '—';
  };
  const lines = [
    `## devdb ci: ${ok ? '✅ passed' : '❌ failed'}`,
    '',
    `Compared with \`${result.base.name}\` (merge base \`${result.base.mergeBase.slice(0, 12)}\`): ${result.migrations.length} new migration(s)${result.migrations.length > 0 ? ` (${result.migrations.map((m) => `\`${m}\``).join(', ')})` : ''}, ${result.models.length} model file(s) changed.`,
    '',
    `| engine | ${ids.map((id) => CI_CHECKS[id]).join(' | ')} |`,
    `| --- | ${ids.map(() => '---').join(' | ')} |`,
    ...result.engines.map((engine) => `| ${engine} | ${ids.map((id) => statusOf(id, engine)).join(' | ')} |`),
  ];
  const failed = result.checks.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    lines.push('', '### Failures', '');
    for (const c of failed) lines.push(`- **${checkLabel(c)}**${c.file ? ` (\`${c.file}${c.line ? `:${c.line}` : ''}\`)` : ''}: ${cellText(c.message ?? 'failed')}`);
  }
  const findings = result.lint.flatMap(({ file, findings: all }) => all.map((f) => ({ file, ...f })));
  if (findings.length > 0) {
    lines.push('', '### Lint findings', '', '| file | line | severity | rule | finding |', '| --- | --- | --- | --- | --- |');
    for (const f of findings) lines.push(`| \`${f.file}\` | ${f.line} | ${f.severity} | \`${f.rule}\` | ${cellText(`${f.message} ${f.suggestion}`)} |`);
  }
  if (result.downgradeLosses.length > 0) {
    lines.push('', '### Downgrade losses', '', 'What each revision\'s downgrade takes away from the rows devdb put in its tables:', '', '| engine | revision | file | table | column | rows | allowed because |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const l of result.downgradeLosses) {
      lines.push(`| ${l.engine} | \`${l.revision}\` | \`${l.file}\` | \`${l.table}\` | ${l.column === null ? '(rows)' : `\`${l.column}\``} | ${l.rows} | ${l.allowed ? lossReason(l) : `⚠️ not allowed: ${lossReason(l)}`} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
