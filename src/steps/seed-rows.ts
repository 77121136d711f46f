import { engineFor } from '../engines/index.js';
import { describeTarget } from '../engines/url.js';
import type { CycleContext } from './shared/round-trip.js';
import { countRows, inspect } from './shared/round-trip.js';
import { takeValues, touchedTables } from './shared/values.js';
import type { Step } from './step.js';


/** Documented step 7, testing the upgrade and the downgrade, begins here: at least one row in every table the migration touches, so data has to survive it. */
export const seedRows: Step<CycleContext> = {
  id: 'seed-rows',
  title: () => 'seed-rows: put rows into the tables the migration touches',
  plan: (ctx) => [`insert a row into each empty table the draft touches, in ${describeTarget(ctx.trip.baseDb, ctx.root)}`],
  run: async (ctx, io) => {
    const before = await inspect(ctx.trip.baseDb);
    const existing = new Set(before.tables.map((t) => t.name));
    const tables = touchedTables(ctx.trip.migration?.script).filter((t) => existing.has(t));
    for (const seeded of await (await engineFor(ctx.trip.baseDb.engine)).seedRows(ctx.trip.baseDb, tables)) {
      if (seeded.inserted > 0) io.output(`${seeded.table}: ${seeded.inserted} row inserted`);
    }
    ctx.trip.beforeSchema = before;
    ctx.trip.rows.before = await countRows(ctx.trip.baseDb);
    await takeValues(ctx.trip, 'before');
  },
};
