import { loadContext, type GlobalOptions } from '../context.js';
import { EXIT } from '../errors.js';
import { roundTripOutcome } from '../report/round-trip.js';
import type { Outcome } from '../report/output.js';
import { applyToDev } from '../steps/apply.js';
import { autogenerate } from '../steps/autogenerate.js';
import { baseDb } from '../steps/base-db.js';
import { checkRows } from '../steps/check-rows.js';
import { dropDb } from '../steps/drop-db.js';
import { lintDraft } from '../steps/lint-migration.js';
import { makeConfig } from '../steps/make-config.js';
import { modelDb } from '../steps/model-db.js';
import { pointDb } from '../steps/point-db.js';
import { preflight } from '../steps/preflight.js';
import { replaceDraft } from '../steps/replace-draft.js';
import { newRoundTrip, type CycleContext } from '../steps/round-trip.js';
import { seedBase } from '../steps/seed-rows.js';
import type { Step } from '../steps/step.js';
import { downgradeBase, upgradeBase } from '../steps/upgrade.js';
import { planSteps, runSteps } from '../workflow.js';
import { openEditor } from '../steps/edit-draft.js';
import { readMigration } from '../migration/script.js';

export interface CycleOptions extends GlobalOptions {
  message: string;
  apply?: boolean;
  upgradeFirst?: boolean;
  base?: 'dev' | 'vcs';
  edit?: boolean;
  dryRun?: boolean;
}

/** Steps after autogenerate have nothing to do when it found no change. */
const unlessNoChange = (step: Step<CycleContext>): Step<CycleContext> => ({
  ...step,
  skip: async (ctx) => (ctx.trip.noChange ? 'no model change' : ((await step.skip?.(ctx)) ?? false)),
});

/** The round trip shared by cycle and verify: lint, rows, upgrade, downgrade, upgrade again, data. */
export const roundTripSteps: Step<CycleContext>[] = [
  lintDraft,
  seedBase,
  upgradeBase({ again: false }),
  downgradeBase,
  upgradeBase({ again: true }),
  checkRows,
];

/**
 * Generates a migration for the current model changes and proves it: checks the
 * development database is at head, copies it as the base (or builds the base from
 * the committed code), rebuilds the throwaway database from the models,
 * autogenerates against the base, lints the draft, then upgrades, downgrades and
 * upgrades the base again with rows in its tables, comparing each result with the
 * models or with the base as it was. Only when all of that passed is the
 * development database snapshotted and upgraded.
 */
export async function cycle(options: CycleOptions): Promise<Outcome> {
  const context = await loadContext(options, { needPassword: !options.dryRun });
  const ctx: CycleContext = { ...context, trip: newRoundTrip(context) };
  ctx.trip.base.kind = options.base ?? 'dev';
  const generate: Step<CycleContext>[] = [
    replaceDraft,
    preflight({ upgradeFirst: options.upgradeFirst ?? false }),
    makeConfig({ fresh: false }),
    pointDb,
    baseDb,
    dropDb({ force: false }),
    modelDb,
    autogenerate({ message: options.message }),
  ];
  const prove = [...roundTripSteps, ...(options.apply === false ? [] : [applyToDev])].map(unlessNoChange);
  if (options.dryRun) {
    const plans = await planSteps([...generate, ...prove], ctx);
    return {
      exitCode: EXIT.ok,
      report: { ok: true, command: 'cycle', dryRun: true, steps: plans },
      summary: ['devdb cycle --dry-run: nothing will be changed; the steps would be:', ...plans.flatMap((p) => [p.title, ...p.plan.map((line) => `    ${line}`)])],
    };
  }
  const render = { json: options.json ?? false, verbose: ctx.verbose };
  const generated = await runSteps(generate, ctx, render);
  if (generated.error || !ctx.trip.migration) return roundTripOutcome('cycle', ctx, generated, options.debug ?? false);
  // The editor needs the terminal to itself, so it runs between the two lists.
  if (options.edit) {
    await openEditor(ctx.trip.migration.file);
    ctx.trip.migration.script = await readMigration(ctx.python, ctx.trip.migration.file);
  }
  const proved = await runSteps(prove, ctx, render);
  return roundTripOutcome('cycle', ctx, { records: [...generated.records, ...proved.records], error: proved.error }, options.debug ?? false);
}
