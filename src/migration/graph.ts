import type { RevisionHeader } from './chain.js';

/**
 * The revision graph of a versions folder, as the headers in chain.ts give it: what
 * `devdb status` measures a database's place against and `devdb graph` draws.
 */

/** One revision and what the script says about it. */
export interface GraphNode {
  revision: string;
  parents: string[];
  /** The first line of the script's docstring, Alembic's message. */
  message: string;
  file: string;
}

export interface RevisionGraph {
  nodes: Map<string, GraphNode>;
  children: Map<string, string[]>;
  heads: string[];
}

/** The first line of a script's module docstring: the -m message Alembic wrote there. */
export function scriptMessage(source: string): string {
  const match = /^\s*(?:#[^\n]*\n\s*)*(?:[rRuU]?)("""|''')\s*([^\n]*?)\s*(?:\1|$)/m.exec(source);
  return match?.[2] ?? '';
}

export function buildGraph(headers: (RevisionHeader & { message?: string })[]): RevisionGraph {
  const nodes = new Map<string, GraphNode>();
  for (const header of headers) {
    if (header.revision) nodes.set(header.revision, { revision: header.revision, parents: header.downRevisions, message: header.message ?? '', file: header.file });
  }
  const children = new Map<string, string[]>([...nodes.keys()].map((r) => [r, []]));
  for (const node of nodes.values()) for (const parent of node.parents) children.get(parent)?.push(node.revision);
  const heads = [...nodes.keys()].filter((r) => children.get(r)?.length === 0);
  return { nodes, children, heads };
}

/** `revision` and every revision it follows, as far as the graph knows them. */
export function ancestors(graph: RevisionGraph, revisions: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = revisions.filter((r) => graph.nodes.has(r));
  while (queue.length > 0) {
    const revision = queue.pop() as string;
    if (seen.has(revision)) continue;
    seen.add(revision);
    queue.push(...(graph.nodes.get(revision)?.parents ?? []).filter((p) => graph.nodes.has(p)));
  }
  return seen;
}

/** Where a database at `revisions` stands against the graph's heads. */
export type Position = { kind: 'head' } | { kind: 'behind'; by: number } | { kind: 'unknown'; missing: string[] } | { kind: 'empty'; by: number };

export function positionOf(graph: RevisionGraph, revisions: readonly string[]): Position {
  const all = ancestors(graph, graph.heads);
  if (revisions.length === 0) return { kind: 'empty', by: all.size };
  const missing = revisions.filter((r) => !graph.nodes.has(r));
  if (missing.length > 0) return { kind: 'unknown', missing };
  const by = all.size - ancestors(graph, revisions).size;
  return by === 0 ? { kind: 'head' } : { kind: 'behind', by };
}

/**
 * Newest first, every revision before the ones it follows (children before parents),
 * siblings in the order their scripts' files sort, so that the drawing is the same each run.
 */
export function newestFirst(graph: RevisionGraph): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const byFile = (a: string, b: string): number => (graph.nodes.get(a)?.file ?? '').localeCompare(graph.nodes.get(b)?.file ?? '');
  const visit = (revision: string): void => {
    if (done.has(revision)) return;
    done.add(revision);
    for (const child of [...(graph.children.get(revision) ?? [])].sort(byFile)) visit(child);
    order.push(revision);
  };
  const roots = [...graph.nodes.values()].filter((n) => n.parents.every((p) => !graph.nodes.has(p))).map((n) => n.revision);
  for (const root of roots.sort(byFile)) visit(root);
  // A cycle (a broken chain) has no root; its revisions are still drawn.
  for (const revision of [...graph.nodes.keys()].sort(byFile)) visit(revision);
  return order;
}
