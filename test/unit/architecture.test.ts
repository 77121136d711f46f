import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/devdb.js';

const src = path.join(REPO, 'src');
const sources = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => path.join(src, file));

describe('the house rules of src/ (README, "Source map")', () => {
  it('has no import cycle and no import reaching up a layer, in the built graph', async () => {
    const built = path.join(REPO, 'dist', 'cli.js');
    const newest = Math.max(...sources.map((file) => fs.statSync(file).mtimeMs));
    // A stale dist/ would prove the rules on code that is gone.
    expect(fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest, 'dist/ is older than src/: run npm run build').toBe(true);
    const rules = createRequire(import.meta.url)(path.join(REPO, '.dependency-cruiser.cjs')) as { forbidden: unknown; options: object };
    const previous = process.cwd();
    process.chdir(REPO);
    let result: IReporterOutput;
    try {
      result = await cruise(['dist/cli.js'], { ...rules.options, validate: true, ruleSet: { forbidden: rules.forbidden } } as Parameters<typeof cruise>[1]);
    } finally {
      process.chdir(previous);
    }
    const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: unknown[] }[]; totalCruised: number } };
    expect(output.summary.totalCruised).toBeGreaterThan(50);
    expect(output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('gives every step one name: its file, its id and its export', () => {
    const steps = fs.readdirSync(path.join(src, 'steps')).filter((file) => file.endsWith('.ts') && file !== 'step.ts');
    const misnamed = steps.filter((file) => {
      const id = file.slice(0, -'.ts'.length);
      const name = id.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
      const text = fs.readFileSync(path.join(src, 'steps', file), 'utf8');
      return !text.includes(`id: '${id}'`) || !new RegExp(`^export (const|function) ${name}\\b`, 'm').test(text);
    });
    expect(steps.length).toBeGreaterThan(15);
    expect(misnamed).toEqual([]);
  });

  it('has no file over 300 lines', () => {
    const long = sources.map((file) => ({ file: path.relative(REPO, file), lines: fs.readFileSync(file, 'utf8').split('\n').length })).filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });
});
