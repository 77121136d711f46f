import Table from 'cli-table3';
import pc from 'picocolors';
import type { ChangeKind, SchemaChange } from './diff.js';

const NONE = '—';

/** "column-changed" with its property reads "column changed: nullable". */
const describeChange = (change: SchemaChange): string =>
  `${change.kind.replace(/-/g, ' ')}${change.property ? `: ${change.property}` : ''}`;

const tone = (kind: ChangeKind): 'green' | 'red' | 'yellow' => (kind.endsWith('-added') ? 'green' : kind.endsWith('-removed') ? 'red' : 'yellow');

/** The changes as a table (table, object, change, expected, actual), coloured when `color` is true. */
export function renderChanges(changes: SchemaChange[], options: { color: boolean }): string {
  if (changes.length === 0) return 'No schema differences.';
  const colors = pc.createColors(options.color);
  // cli-table3 colours its header and border itself unless told not to; picocolors alone decides here.
  const table = new Table({
    head: ['table', 'object', 'change', 'expected', 'actual'].map((title) => colors.bold(title)),
    style: { head: [], border: [] },
  });
  for (const change of changes) {
    table.push([
      colors.bold(change.table),
      change.object ?? NONE,
      colors[tone(change.kind)](describeChange(change)),
      change.before === undefined ? colors.dim(NONE) : change.before,
      change.after === undefined ? colors.dim(NONE) : change.after,
    ]);
  }
  return table.toString();
}

/** The changes as plain JSON-ready objects, without the keys a change leaves unset. */
export function changesToJson(changes: SchemaChange[]): SchemaChange[] {
  return changes.map((change) => Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as SchemaChange);
}
