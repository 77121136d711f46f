import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alembicProject, devdb, REPO, tempDir, type DevdbRun } from '../support/devdb.js';

/**
 * The corpus of test/corpus/: faulty and correct migrations a reviewer would judge, each
 * applied on top of the small Alembic project (its models edited as the case says, rows put
 * into its development database), then proven with devdb verify. Each case says the exit code
 * and the words the outcome must and must not hold; a case waiting for another part of
 * issue 13 (values, stairway) says which, and is skipped until it lands.
 */

interface Expected {
  description: string;
  /** The devdb command and its arguments, run with --json. */
  command: 'verify' | 'verify --all';
  /** [text, replacement] edits of app/models.py. */
  models?: [string, string][];
  /** Statements run on the development database before the proof. */
  sql?: string[];
  exit: number;
  mustContain: string[];
  mustNotContain: string[];
  pendingFeature?: 'values' | 'stairway';
}

const CORPUS = path.join(REPO, 'test', 'corpus');
const CASES = fs.readdirSync(CORPUS).sort().map((name) => ({ name, expected: JSON.parse(fs.readFileSync(path.join(CORPUS, name, 'expected.json'), 'utf8')) as Expected }));
/** Two cases at a time: the machine has two cores, and each case is one devdb process at a time. */
const AT_ONCE = 2;

/** Every string of a JSON value, so the needles of a case need no JSON escaping. */
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(strings) : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];

/** What a case's needles are looked for in: every string of the report, "check:ID:STATUS" and "lint:RULE:SEVERITY" tokens, and stderr. */
function haystack(result: DevdbRun): string {
  let report: { checks?: { id: string; status: string }[]; lint?: { rule: string; severity: string }[] } = {};
  try {
    report = JSON.parse(result.stdout) as typeof report;
  } catch {
    // A refusal before the report prints only to stderr.
  }
  const tokens = [...(report.checks ?? []).map((c) => `check:${c.id}:${c.status}`), ...(report.lint ?? []).map((f) => `lint:${f.rule}:${f.severity}`)];
  return [...tokens, ...strings(report), result.stderr].join('\n');
}

async function sqlite(file: string, statements: string[]): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  try {
    for (const statement of statements) db.exec(statement);
  } finally {
    db.close();
  }
}

let work: string;
const results = new Map<string, DevdbRun>();

async function runCase(template: string, name: string, expected: Expected): Promise<DevdbRun> {
  const root = path.join(work, name);
  fs.cpSync(template, root, { recursive: true });
  for (const file of fs.readdirSync(path.join(CORPUS, name)).filter((f) => f.endsWith('.py'))) {
    fs.copyFileSync(path.join(CORPUS, name, file), path.join(root, 'migrations', 'versions', file));
  }
  const models = path.join(root, 'app', 'models.py');
  let text = fs.readFileSync(models, 'utf8');
  for (const [from, to] of expected.models ?? []) {
    if (!text.includes(from)) throw new Error(`${name}: app/models.py has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  fs.writeFileSync(models, text);
  await sqlite(path.join(root, 'dev.db'), expected.sql ?? []);
  return devdb([...expected.command.split(' '), '--json'], { cwd: root });
}

beforeAll(async () => {
  work = tempDir('corpus');
  const project = await alembicProject();
  const init = await devdb(['init', '--yes', '--python', project.python], { cwd: project.root });
  if (init.exitCode !== 0) throw new Error(`devdb init failed: ${init.stderr}`);
  const queue = CASES.filter((c) => c.expected.pendingFeature === undefined);
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) results.set(next.name, await runCase(project.root, next.name, next.expected));
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the corpus of faulty and correct migrations (test/corpus)', () => {
  it('has at least 20 faulty and 5 correct cases', () => {
    expect(CASES.filter((c) => c.expected.exit !== 0).length).toBeGreaterThanOrEqual(20);
    expect(CASES.filter((c) => c.name.startsWith('ok-')).length).toBeGreaterThanOrEqual(5);
  });

  for (const { name, expected } of CASES) {
    const test = expected.pendingFeature ? it.skip : it;
    test(`${name}: ${expected.description}${expected.pendingFeature ? ` (waits for ${expected.pendingFeature})` : ''}`, () => {
      const result = results.get(name)!;
      const found = haystack(result);
      expect(result.exitCode, found).toBe(expected.exit);
      for (const needle of expected.mustContain) expect(found, `${name} must say: ${needle}`).toContain(needle);
      for (const needle of expected.mustNotContain) expect(found, `${name} must not say: ${needle}`).not.toContain(needle);
      // A report is read in any order, and as JSON: it never points "above" or "below".
      expect(found).not.toMatch(/\b(above|below)\b/);
    });
  }
});
