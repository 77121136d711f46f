import type { Context } from '../context.js';
import type { Schema } from '../schema/model.js';
import { dropDb } from '../steps/drop-db.js';
import { makeConfig } from '../steps/make-config.js';
import { modelDb } from '../steps/model-db.js';
import { pointDb } from '../steps/point-db.js';
import { inspect } from '../steps/shared/round-trip.js';
import { EngineRun, runLoop, type RenderOptions } from '../workflow.js';
import { cycleContext } from './engines.js';
import { resetLoop } from './reset.js';

/**
 * The database the models make, for `devdb status --drift`, built the way reset builds
 * it. Where the preset's setup builds from the models, that is reset itself, which
 * also fills the reset cache a later plain `devdb status` reads; where it runs the
 * migrations, the model database is created from target_metadata as cycle does.
 */
export async function buildModelSchema(ctx: Context, render: RenderOptions): Promise<Schema> {
  if (ctx.preset.needsAdmin || ctx.preset.setup === 'models') {
    const loop = resetLoop(ctx, {});
    await runLoop(loop.nodes, render);
    if (loop.run.error) throw loop.run.error;
    return inspect(ctx.throwawayDb);
  }
  const run = new EngineRun(cycleContext(ctx, undefined));
  await runLoop([{ group: 'Build the model database', run, steps: [makeConfig({ fresh: false }), pointDb, dropDb({ force: false }), modelDb] }], render);
  if (run.error) throw run.error;
  return run.ctx.trip.modelSchema ?? inspect(ctx.throwawayDb);
}
