import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';

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
