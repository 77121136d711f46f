import type { MigrationScript } from './script.js';

const RAISE = /^raise\s+NotImplementedError\b/;

/**
 * Whether a script declares its downgrade impossible: downgrade()'s body raises
 * NotImplementedError at its top level (not inside an if), the Alembic idiom for a
 * migration that cannot be undone. Read from the source, after the def's line.
 */
export function isIrreversible(script: MigrationScript, source: string): boolean {
  const def = script.functions?.downgrade?.line;
  if (def === undefined) return false;
  const lines = source.split('\n');
  const defIndent = indentOf(lines[def - 1] ?? '');
  let bodyIndent: number | undefined;
  for (const line of lines.slice(def)) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const indent = indentOf(line);
    if (indent <= defIndent) return false;
    bodyIndent ??= indent;
    if (indent === bodyIndent && RAISE.test(text)) return true;
  }
  return false;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
