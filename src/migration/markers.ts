/**
 * The `# devdb:` comments a migration script may carry, read from its text (comments
 * never reach Python's AST, so the ops reader cannot see them):
 *
 *   # devdb: ignore RULE[, RULE …]                   silences lint's RULE on this line, or on
 *                                                     the next line when the comment stands alone
 *   # devdb: allow data-loss TABLE[.COLUMN][, …]     the upgrade may drop what it names, with its data
 *
 * Anything else after `# devdb:` is a malformed marker, reported rather than ignored, so
 * a typo never silently turns a check off.
 */
export type Marker =
  | { kind: 'ignore'; line: number; appliesTo: number; rules: string[] }
  | { kind: 'allow-data-loss'; line: number; targets: string[] }
  | { kind: 'malformed'; line: number; text: string };

const MARKER = /#\s*devdb:\s*(.*)$/;
const LIST = /^[\w.-]+(\s*,\s*[\w.-]+)*$/;

const list = (text: string): string[] | null => (LIST.test(text.trim()) ? text.split(',').map((item) => item.trim()) : null);

/** Every marker of a script, with 1-based line numbers. */
export function readMarkers(source: string): Marker[] {
  const lines = source.split(/\r?\n/);
  const markers: Marker[] = [];
  lines.forEach((text, index) => {
    const found = MARKER.exec(text);
    if (!found) return;
    const line = index + 1;
    const body = found[1]!.trim();
    const ignore = /^ignore\s+(.+)$/.exec(body);
    const allow = /^allow\s+data-loss\s+(.+)$/.exec(body);
    const rules = ignore ? list(ignore[1]!) : null;
    const targets = allow ? list(allow[1]!) : null;
    if (rules) {
      const standsAlone = text.slice(0, found.index).trim() === '';
      markers.push({ kind: 'ignore', line, appliesTo: standsAlone ? nextCodeLine(lines, index) : line, rules });
    } else if (targets) {
      markers.push({ kind: 'allow-data-loss', line, targets });
    } else {
      markers.push({ kind: 'malformed', line, text: body });
    }
  });
  return markers;
}

/** The 1-based number of the first line after `index` that is neither blank nor only a comment. */
function nextCodeLine(lines: string[], index: number): number {
  for (let i = index + 1; i < lines.length; i += 1) {
    const trimmed = lines[i]!.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return i + 1;
  }
  return index + 1;
}

/** Whether an allow-data-loss target covers a table, or a column of it ("users" covers "users.email"). */
export const allowsLoss = (markers: Marker[], table: string, column?: string): boolean =>
  markers.some((m) => m.kind === 'allow-data-loss' && m.targets.some((t) => t === table || (column !== undefined && t === `${table}.${column}`)));
