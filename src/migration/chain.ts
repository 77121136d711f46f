/**
 * The revision chain of a versions folder, read with regular expressions instead of
 * Python: `devdb check` runs on every commit and must stay well under a second.
 */

/** One migration script's place in the chain. */
export interface RevisionHeader {
  /** Relative path of the script, for messages. */
  file: string;
  revision: string | null;
  /** Parents: empty for the first revision, several for a merge. */
  downRevisions: string[];
}

// Matches `revision = 'x'` and the annotated form newer templates write (`revision: str = 'x'`).
const ASSIGNMENT = /^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*(?:#.*)?$/gm;
const QUOTED = /(['"])([^'"]*)\1/g;

/** The value of an assignment: its line, or up to the closing bracket of a tuple or list that spans lines. */
function valueText(source: string, match: RegExpExecArray | RegExpMatchArray): string {
  const value = match[2] as string;
  const open = /^[([]/.exec(value)?.[0];
  if (!open || value.includes(open === '(' ? ')' : ']')) return value;
  const start = (match.index ?? 0) + match[0].indexOf(value);
  const end = source.indexOf(open === '(' ? ')' : ']', start);
  return source.slice(start, end < 0 ? undefined : end).replace(/#.*$/gm, '');
}

/** The revision and down_revision a script assigns at module level. */
export function readRevisionHeader(file: string, source: string): RevisionHeader {
  const header: RevisionHeader = { file, revision: null, downRevisions: [] };
  for (const match of source.matchAll(ASSIGNMENT)) {
    const values = [...valueText(source, match).matchAll(QUOTED)].map((q) => q[2] as string);
    if (match[1] === 'revision') header.revision ??= values[0] ?? null;
    else header.downRevisions = values;
  }
  return header;
}

/** What is wrong with the chain once `added` joins `all` (which includes them), as sentences. */
export function chainProblems(all: RevisionHeader[], added: RevisionHeader[]): string[] {
  const known = new Set(all.map((h) => h.revision).filter((r): r is string => r !== null));
  const problems: string[] = [];
  for (const script of added) {
    if (!script.revision) {
      problems.push(`${script.file} assigns no revision = '...'; regenerate it with "devdb cycle -m MESSAGE".`);
      continue;
    }
    for (const parent of script.downRevisions.filter((p) => !known.has(p))) {
      problems.push(`${script.file} follows revision ${parent}, which no migration has; set its down_revision to the current head.`);
    }
  }
  // A project that already had several heads is not this commit's doing.
  const before = headsOf(all.filter((h) => !added.includes(h))).length;
  const heads = headsOf(all);
  // A script with a missing parent is its own head; saying so twice would not help.
  if (problems.length === 0 && heads.length > 1 && heads.length > before) {
    problems.push(`The migrations would have ${heads.length} heads (${heads.join(', ')}); re-parent the new migration onto the other head with "devdb rebase", or merge them with "alembic merge".`);
  }
  return problems;
}

/** Revisions no other script follows. */
export function headsOf(all: RevisionHeader[]): string[] {
  const parents = new Set(all.flatMap((h) => h.downRevisions));
  return all.map((h) => h.revision).filter((r): r is string => r !== null && !parents.has(r));
}
