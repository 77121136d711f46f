import { engineFor } from '../engines/index.js';
import { describeTarget } from '../engines/url.js';
import type { CycleContext } from './shared/round-trip.js';
import { countRows, inspect } from './shared/round-trip.js';
import { applyProjectSeed, planProjectSeed } from './shared/project-seed.js';
import { takeValues, touchedTables } from './shared/values.js';
import type { Step } from './step.js';

/** Documented step 7, testing the upgrade and the downgrade, begins here: the project's seed, at least one row in every table the migration touches, then its boundary rows (seed-shapes.ts), so data has to survive it. */
export const seedRows: Step<CycleContext> = {
  id: 'seed-rows',
  title: () => 'seed-rows: put rows into the tables the migration touches',
  plan: (ctx) => [...planProjectSeed(ctx), `insert a row into each empty table the draft touches, then boundary rows into each, in ${describeTarget(ctx.trip.baseDb, ctx.root)}`],
  run: async (ctx, io) => {
    await applyProjectSeed(ctx, io);
    const before = await inspect(ctx.trip.baseDb);
    const existing = new Set(before.tables.map((t) => t.name));
    const tables = touchedTables(ctx.trip.migration?.script).filter((t) => existing.has(t));
    const engine = await engineFor(ctx.trip.baseDb.engine);
    for (const seeded of await engine.seedRows(ctx.trip.baseDb, tables)) {
      if (seeded.inserted > 0) io.output(`${seeded.table}: ${seeded.inserted} row inserted`);
    }
    ctx.trip.shapes = await engine.seedShapes(ctx.trip.baseDb, tables);
    for (const seeded of ctx.trip.shapes) {
      io.output(`${seeded.table}: ${seeded.inserted} boundary row${seeded.inserted === 1 ? '' : 's'} inserted${seeded.skipped ? ` (refused: ${seeded.skipped})` : ''}`);
    }
    ctx.trip.beforeSchema = before;
    ctx.trip.rows.before = await countRows(ctx.trip.baseDb);
    await takeValues(ctx.trip, 'before');
  },
};
