/**
 * A migration script moved onto another parent by editing its text: the `down_revision`
 * assignment and the `Revises:` line of the docstring Alembic's template writes, nothing
 * else, so the diff a reviewer sees is those two lines.
 */
export function reparentSource(source: string, onto: string): { source: string; from: string } {
  const assignment = /^(down_revision\s*(?::[^=\n]*)?=\s*)(?:(['"])([^'"\n]*)\2|None)(.*)$/m;
  const match = assignment.exec(source);
  if (!match) throw new Error('no single-parent down_revision assignment');
  const from = match[3] ?? '';
  const quote = match[2] ?? "'";
  let edited = `${source.slice(0, match.index)}${match[1]}${quote}${onto}${quote}${match[4]}${source.slice(match.index + match[0].length)}`;
  const revises = /^Revises:[ \t]*(.*)$/m.exec(edited.slice(0, match.index));
  if (revises && revises[1]?.trim() === from) edited = `${edited.slice(0, revises.index)}Revises: ${onto}${edited.slice(revises.index + revises[0].length)}`;
  return { source: edited, from };
}
