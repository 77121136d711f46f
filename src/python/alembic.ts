import path from 'node:path';

/** The heads in `alembic heads --verbose` output: "Rev: abc123 (head)" and the "Path: …" of its script. */
export function parseHeads(output: string): { revision: string; path: string | undefined }[] {
  return output
    .split(/\n(?=Rev: )/)
    .map((block) => ({ revision: /^Rev: ([0-9a-zA-Z_]+)\b.*\(head\)/m.exec(block)?.[1], path: /^\s*Path: (.+)$/m.exec(block)?.[1]?.trim() }))
    .filter((head): head is { revision: string; path: string | undefined } => head.revision !== undefined);
}

/** The path of the script `alembic revision` wrote ("Generating /x/y.py ...  done"). */
export function parseGenerated(output: string, cwd: string): string | undefined {
  const match = /Generating (.+?\.py)(?: \.\.\.|\s*$)/m.exec(output);
  return match ? path.resolve(cwd, (match[1] as string).trim()) : undefined;
}

/** Whether Alembic refused to autogenerate because the database is behind ("Target database is not up to date"). */
export const isNotUpToDate = (output: string): boolean => /Target database is not up to date/.test(output);
