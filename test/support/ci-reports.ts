import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import { devdb } from './devdb.js';

// The SARIF 2.1.0 schema as @microsoft/jest-sarif ships it (rtm.5, draft-04): json.schemastore.org was out of reach when it was vendored.
const SCHEMA = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../fixtures/sarif-2.1.0-rtm.5.json', import.meta.url)), 'utf8'));

/** A validator of SARIF 2.1.0 logs; `errors` says why the last one failed. */
export const validSarif = (() => {
  // The schema's language pattern has a stray bracket that only a non-unicode RegExp accepts, as the JSON Schema validators of its time read it.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  return ajv.compile(SCHEMA);
})();

interface JunitCase {
  classname: string;
  name: string;
  time: string;
  file?: string;
  failure?: { message: string; type: string; '#text': string };
  skipped?: { message: string };
}

interface JunitSuite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  time: string;
  testcase: JunitCase[];
}

/** JUnit XML as CI systems read it: attributes by name, testsuite and testcase always lists. */
export const parseJunit = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml) as {
    testsuites: { name: string; tests: string; failures: string; errors: string; time: string; testsuite: JunitSuite[] };
  };

/**
 * devdb ci with all three reports, in `cwd`, writing them as `dir/name.*`: its JSON report,
 * its checks by id (the last of each), and the reports as CI systems read them, the SARIF
 * validated against the schema.
 */
export async function ciWithReports(cwd: string, dir: string, name: string, { env = {}, args = [] }: { env?: Record<string, string>; args?: string[] } = {}) {
  const file = (ext: string) => path.join(dir, `${name}.${ext}`);
  const result = await devdb(['ci', '--json', '--junit', file('xml'), '--sarif', file('sarif'), '--markdown', file('md'), ...args], { cwd, env });
  const report = JSON.parse(result.stdout);
  const sarif = JSON.parse(fs.readFileSync(file('sarif'), 'utf8'));
  expect(validSarif(sarif), JSON.stringify(validSarif.errors)).toBe(true);
  const checks = Object.fromEntries((report.checks as { id: string; status: string; message?: string }[]).map((c) => [c.id, c]));
  return { exitCode: result.exitCode, stderr: result.stderr, report, checks, junit: parseJunit(fs.readFileSync(file('xml'), 'utf8')).testsuites, sarif, markdown: fs.readFileSync(file('md'), 'utf8') };
}
