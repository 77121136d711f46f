import Table from 'cli-table3';
import pc from 'picocolors';
import { isUnnamed, type ChangeKind, type SchemaChange } from './diff.js';

const NONE = '—';

/** One side of a comparison as a sentence names it: "the models" (plural), "the upgraded database". */
export interface Side {
  name: string;
  plural?: boolean;
}

/** What the two sides of a comparison are; without it the table says expected and actual. */
export interface Sides {
  expected: Side;
  actual: Side;
}

/** "column-changed" with its property reads "column changed: nullable". */
const describeChange = (change: SchemaChange): string =>
  `${change.kind.replace(/-/g, ' ')}${change.property ? `: ${change.property}` : ''}`;

const NOUNS: Record<string, string> = { table: 'table', column: 'column', index: 'index', unique: 'unique constraint', 'foreign-key': 'foreign key', check: 'check constraint' };

const nounOf = (kind: ChangeKind): string => NOUNS[kind.replace(/-(added|removed|changed)$/, '')] ?? kind;
const has = (side: Side): string => `${side.name} ${side.plural ? 'have' : 'has'}`;
const doesNot = (side: Side): string => `${side.name} ${side.plural ? 'do' : 'does'} not`;

/**
 * A difference as a sentence about the two sides ("the models have column posts.published_at,
 * the upgraded database does not"), never as if something removed it: a difference only says
 * where each side stands.
 */
export function describeDifference(change: SchemaChange, sides: Sides): string {
  const noun = nounOf(change.kind);
  const named = !isUnnamed(change.object);
  const what = (detail: string | undefined): string => {
    if (change.kind.startsWith('table-')) return `${noun} ${change.table}${detail ? ` ${detail}` : ''}`;
    return named ? `${noun} ${change.table}.${change.object}${detail ? ` ${detail}` : ''}` : `${noun} ${detail ?? change.object ?? ''} on ${change.table}`;
  };
  if (change.kind.endsWith('-removed')) return `${has(sides.expected)} ${what(change.before)}, ${doesNot(sides.actual)}`;
  if (change.kind.endsWith('-added')) return `${has(sides.actual)} ${what(change.after)}, ${doesNot(sides.expected)}`;
  return `${what(undefined)}: ${change.property ?? 'definition'} is ${change.before ?? NONE} in ${sides.expected.name}, ${change.after ?? NONE} in ${sides.actual.name}`;
}

/** The change column of the table: which side has it, when the sides are named. */
function changeCell(change: SchemaChange, sides: Sides | undefined): string {
  if (!sides) return describeChange(change);
  if (change.kind.endsWith('-removed')) return `${nounOf(change.kind)} only in ${sides.expected.name}`;
  if (change.kind.endsWith('-added')) return `${nounOf(change.kind)} only in ${sides.actual.name}`;
  return `${change.property ?? nounOf(change.kind)} differs`;
}

const tone = (kind: ChangeKind): 'green' | 'red' | 'yellow' => (kind.endsWith('-added') ? 'green' : kind.endsWith('-removed') ? 'red' : 'yellow');

/** The changes as a table (table, object, change, expected, actual), coloured when `color` is true; `sides` names the two columns. */
export function renderChanges(changes: SchemaChange[], options: { color: boolean; sides?: Sides }): string {
  if (changes.length === 0) return 'No schema differences.';
  const colors = pc.createColors(options.color);
  const { sides } = options;
  // cli-table3 colours its header and border itself unless told not to; picocolors alone decides here.
  const table = new Table({
    head: ['table', 'object', sides ? 'difference' : 'change', sides?.expected.name ?? 'expected', sides?.actual.name ?? 'actual'].map((title) => colors.bold(title)),
    style: { head: [], border: [] },
  });
  for (const change of changes) {
    table.push([
      colors.bold(change.table),
      change.object ?? NONE,
      colors[tone(change.kind)](changeCell(change, sides)),
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
