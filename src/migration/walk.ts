import { usageError } from '../errors.js';

/** A revision as the walk needs it: its id and its parents. */
export interface WalkRevision {
  revision: string;
  downRevisions: string[];
}

/**
 * The revisions parents first (a topological order); among revisions that could come
 * next, the order they were given in, so a linear chain keeps its one order.
 */
export function parentsFirst<R extends WalkRevision>(revisions: R[]): R[] {
  const known = new Set(revisions.map((r) => r.revision));
  const placed = new Set<string>();
  const order: R[] = [];
  while (order.length < revisions.length) {
    const next = revisions.find((r) => !placed.has(r.revision) && r.downRevisions.every((p) => placed.has(p) || !known.has(p)));
    if (!next) throw usageError(`The migrations form a cycle (${revisions.filter((r) => !placed.has(r.revision)).map((r) => r.revision).join(', ')}); fix their down_revision.`);
    placed.add(next.revision);
    order.push(next);
  }
  return order;
}

/** The position of a revision named by --from or --to (a unique prefix is enough, as Alembic takes it); unknown is a usage error. */
export function positionOf(order: WalkRevision[], given: string, flag: '--from' | '--to'): number {
  const exact = order.findIndex((r) => r.revision === given);
  if (exact >= 0) return exact;
  const matches = order.map((r, i) => ({ r, i })).filter(({ r }) => r.revision.startsWith(given));
  if (matches.length === 1) return matches[0]!.i;
  if (matches.length > 1) throw usageError(`${flag} ${given} matches several revisions (${matches.map(({ r }) => r.revision).join(', ')}); give more of the revision id.`);
  throw usageError(`${flag} ${given} is no revision of the migrations; give one "alembic history" lists.`);
}

/** The part of the order --from and --to keep (both included); --from after --to is a usage error. */
export function walkRange<R extends WalkRevision>(order: R[], from?: string, to?: string): R[] {
  const first = from === undefined ? 0 : positionOf(order, from, '--from');
  const last = to === undefined ? order.length - 1 : positionOf(order, to, '--to');
  if (first > last) throw usageError(`--from ${from} comes after --to ${to} in the history; give the older revision to --from.`);
  return order.slice(first, last + 1);
}
