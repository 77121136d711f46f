import { newestFirst, type RevisionGraph } from './graph.js';

/** The revisions a drawing points out besides the heads. */
export interface Marks {
  /** The development database's revisions. */
  dev: readonly string[];
  /** The draft devdb is iterating on. */
  draft?: string;
}

/** How a label is coloured in a terminal; plain text elsewhere. */
export interface Paint {
  head(text: string): string;
  dev(text: string): string;
  draft(text: string): string;
}

const PLAIN: Paint = { head: (t) => t, dev: (t) => t, draft: (t) => t };

function tags(graph: RevisionGraph, revision: string, marks: Marks, paint: Paint): string[] {
  return [
    graph.heads.includes(revision) ? paint.head('head') : '',
    marks.dev.includes(revision) ? paint.dev('dev database') : '',
    marks.draft === revision ? paint.draft('draft') : '',
  ].filter(Boolean);
}

/** A line drawn between two rows: `at` holds the character at each position. */
function line(width: number, at: Map<number, string>): string {
  return Array.from({ length: width }, (_, i) => at.get(i) ?? ' ').join('').trimEnd();
}

/** The first lane waiting for a revision an earlier lane waits for too; -1 when none. */
const duplicateLane = (lanes: string[]): number => lanes.findIndex((l, n) => lanes.indexOf(l) !== n);

/**
 * A compact tree, newest first, as `git log --graph` draws history: one lane per line of
 * descent, `*` a revision, `\` a merge's second parent opening a lane, `/` two lanes
 * reaching the same parent (a branch point) joining again.
 */
export function renderText(graph: RevisionGraph, marks: Marks, paint: Paint = PLAIN): string[] {
  const lines: string[] = [];
  let lanes: string[] = [];
  for (const revision of newestFirst(graph)) {
    const node = graph.nodes.get(revision);
    if (!node) continue;
    let col = lanes.indexOf(revision);
    if (col < 0) {
      lanes.push(revision);
      col = lanes.length - 1;
    }
    const label = [revision, ...(node.message ? [node.message] : [])].join(' ');
    const tagged = tags(graph, revision, marks, paint);
    lines.push(`${lanes.map((_, i) => (i === col ? '*' : '|')).join(' ')}  ${label}${tagged.length > 0 ? `  (${tagged.join(', ')})` : ''}`);
    const parents = node.parents.filter((p) => graph.nodes.has(p));
    const before = lanes.length;
    lanes = [...lanes.slice(0, col), ...parents, ...lanes.slice(col + 1)];
    if (parents.length > 1) {
      const at = new Map<number, string>();
      lanes.forEach((_, n) => at.set(n <= col ? 2 * n : 2 * n - 1, n <= col ? '|' : '\\'));
      lines.push(line(2 * lanes.length, at));
    } else if (parents.length === 0 && col < before - 1) {
      const at = new Map<number, string>();
      for (let m = 0; m < before; m += 1) if (m !== col) at.set(m < col ? 2 * m : 2 * m - 1, m < col ? '|' : '/');
      lines.push(line(2 * before, at));
    }
    for (let dup = duplicateLane(lanes); dup > 0; dup = duplicateLane(lanes)) {
      const at = new Map<number, string>();
      for (let m = 0; m < lanes.length; m += 1) at.set(m < dup ? 2 * m : 2 * m - 1, m < dup ? '|' : '/');
      lines.push(line(2 * lanes.length, at));
      lanes.splice(dup, 1);
    }
  }
  return lines;
}

const mermaidId = (revision: string): string => `r_${revision.replace(/[^A-Za-z0-9_]/g, '_')}`;
// Mermaid reads entity codes in quoted labels; a quote or angle bracket as itself would end or break the label.
const mermaidText = (text: string): string => text.replace(/[&"<>#]/g, (c) => `#${c.charCodeAt(0)};`);

/** A Mermaid flowchart, oldest at the top, each revision pointing to those that follow it; heads, the development database and the draft styled apart. */
export function renderMermaid(graph: RevisionGraph, marks: Marks): string {
  const order = newestFirst(graph).reverse();
  const out = ['flowchart TD'];
  for (const revision of order) {
    const node = graph.nodes.get(revision);
    const label = [revision, node?.message ?? '', ...tags(graph, revision, marks, PLAIN).map((t) => `(${t})`)].filter(Boolean).join(' ');
    out.push(`  ${mermaidId(revision)}["${mermaidText(label)}"]`);
  }
  for (const revision of order) {
    for (const parent of graph.nodes.get(revision)?.parents ?? []) if (graph.nodes.has(parent)) out.push(`  ${mermaidId(parent)} --> ${mermaidId(revision)}`);
  }
  const classes: [string, string, string[]][] = [
    ['head', 'stroke-width:3px', graph.heads],
    ['dev', 'fill:#d4f7d4', marks.dev.filter((r) => graph.nodes.has(r))],
    ['draft', 'stroke-dasharray:5 5', marks.draft && graph.nodes.has(marks.draft) ? [marks.draft] : []],
  ];
  for (const [name, style, revisions] of classes) {
    if (revisions.length === 0) continue;
    out.push(`  classDef ${name} ${style}`, `  class ${revisions.map(mermaidId).join(',')} ${name}`);
  }
  return `${out.join('\n')}\n`;
}

const dotEscape = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const dotText = (text: string): string => `"${dotEscape(text)}"`;

/** A Graphviz digraph, oldest at the top, in the same shapes as the Mermaid one. */
export function renderDot(graph: RevisionGraph, marks: Marks): string {
  const order = newestFirst(graph).reverse();
  const out = ['digraph migrations {', '  node [shape=box, fontname="Helvetica"];'];
  for (const revision of order) {
    const node = graph.nodes.get(revision);
    const tagged = tags(graph, revision, marks, PLAIN);
    const label = [revision, node?.message ?? '', ...(tagged.length > 0 ? [`(${tagged.join(', ')})`] : [])].filter(Boolean).map(dotEscape).join('\\n');
    const style = [
      graph.heads.includes(revision) ? 'penwidth=3' : '',
      marks.dev.includes(revision) ? 'style=filled, fillcolor="#d4f7d4"' : '',
      marks.draft === revision ? 'color=blue' : '',
    ].filter(Boolean);
    out.push(`  ${dotText(revision)} [label="${label}"${style.length > 0 ? `, ${style.join(', ')}` : ''}];`);
  }
  for (const revision of order) {
    for (const parent of graph.nodes.get(revision)?.parents ?? []) if (graph.nodes.has(parent)) out.push(`  ${dotText(parent)} -> ${dotText(revision)};`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
