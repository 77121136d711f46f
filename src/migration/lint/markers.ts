import type { Marker } from '../markers.js';
import type { LintFinding } from './types.js';

/**
 * Applies `# devdb: ignore RULE` markers: a finding of RULE on the line a marker applies to is
 * silenced; a marker rule that silenced nothing is reported, as is a marker devdb cannot read,
 * so a stale or mistyped marker never hides a check.
 */
export function applyMarkers(findings: LintFinding[], markers: Marker[]): LintFinding[] {
  const used = new Set<string>();
  const kept = findings.filter((finding) => {
    const marker = markers.find((m) => m.kind === 'ignore' && m.appliesTo === finding.line && m.rules.includes(finding.rule));
    if (marker) used.add(`${marker.line}:${finding.rule}`);
    return !marker;
  });
  for (const marker of markers) {
    if (marker.kind === 'malformed') {
      kept.push({
        rule: 'malformed-marker',
        severity: 'error',
        line: marker.line,
        message: `"# devdb: ${marker.text}" is not a marker devdb knows, so it changes nothing.`,
        suggestion: 'Write "# devdb: ignore RULE" (RULE being a lint rule id) or "# devdb: allow data-loss TABLE.COLUMN", or delete the comment.',
      });
    }
    if (marker.kind !== 'ignore') continue;
    for (const rule of marker.rules.filter((r) => !used.has(`${marker.line}:${r}`))) {
      kept.push({
        rule: 'unused-marker',
        severity: 'warning',
        line: marker.line,
        message: `"# devdb: ignore ${rule}" silences nothing: lint finds no ${rule} on line ${marker.appliesTo}.`,
        suggestion: `Delete ${marker.rules.length > 1 ? `${rule} from the marker` : 'the marker'}, or move it to the line of the finding it is meant for.`,
      });
    }
  }
  return kept;
}
