import { failure } from '../errors.js';
import { lintMigration } from '../migration/lint/index.js';
import type { CycleContext } from './shared/round-trip.js';
import { countRows, inspect } from './shared/round-trip.js';
import { shown, type Step } from './step.js';

/**
 * Documented step 6, made mechanical: the draft is read as Python (ast) and checked
 * for what a reviewer would catch. Errors stop before the round trip, since each is
 * a migration that cannot run or cannot be undone; warnings are reported.
 */
export const lint: Step<CycleContext> = {
  id: 'lint',
  title: () => "lint: check the draft with devdb's lint rules",
  plan: () => ['parse the draft with Python\'s ast and check it (devdb\'s lint rules)'],
  run: async (ctx) => {
    const migration = ctx.trip.migration!;
    const counts = await countRows(ctx.trip.baseDb);
    const tablesWithRows = new Set(Object.entries(counts).filter(([, n]) => n > 0).map(([table]) => table));
    const baseSchema = await inspect(ctx.trip.baseDb);
    ctx.trip.lint = lintMigration(migration.script, { engine: ctx.engine, tablesWithRows, baseSchema, preset: ctx.config.preset });
    const errors = ctx.trip.lint.filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      throw failure(`The draft ${shown(ctx, migration.file)} has ${errors.length} lint error${errors.length > 1 ? 's' : ''} (${errors.map((f) => `${f.rule} on line ${f.line}`).join(', ')}); fix the script as each finding suggests, or silence one with "# devdb: ignore RULE" on its line, then run "devdb apply" (or "devdb verify" to prove it without applying it).`);
    }
  },
};
