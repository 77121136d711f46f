import fs from 'node:fs';
import { readMarkers } from '../markers.js';
import type { MigrationScript } from '../script.js';
import { destructiveUpgrade, downgradeDropsAddedColumn, notNullWithoutDefault } from './data.js';
import { applyMarkers } from './markers.js';
import { narrowingType } from './narrowing.js';
import { renameAsDropAdd } from './rename.js';
import { sqliteNeedsBatch } from './sqlite.js';
import { emptyUpgrade, missingDowngrade, multipleHeads, syntaxError } from './structure.js';
import { wordingOf, type LintContext, type LintFinding, type Named } from './types.js';

export type { LintContext, LintFinding, LintRule } from './types.js';

/** Checks a draft migration script the way Kallithea's "edit the script to clean it up" step asks a person to. */
export function lintMigration(script: MigrationScript, context: LintContext): LintFinding[] {
  const findings = multipleHeads(script, context.heads ?? []);
  // Markers are comments, which the ops reader never sees, so they come from the text.
  const markers = readMarkers(fs.readFileSync(script.file, 'utf8'));
  if (script.syntaxError) return applyMarkers([...findings, syntaxError(script.syntaxError)], markers).sort((a, b) => a.line - b.line);
  const { upgrade, downgrade } = script.functions;
  const named: Named[] = downgrade ? [['upgrade', upgrade], ['downgrade', downgrade]] : [['upgrade', upgrade]];
  const wording = wordingOf(context.preset);
  const renames = renameAsDropAdd(upgrade, downgrade, context);
  const drops = upgrade.ops.filter((op) => (op.name === 'drop_table' || op.name === 'drop_column') && !renames.drops.has(op));
  findings.push(...emptyUpgrade(upgrade), ...renames.findings, ...destructiveUpgrade(drops, markers), ...missingDowngrade(upgrade, downgrade, wording));
  if (downgrade) findings.push(...downgradeDropsAddedColumn(upgrade, downgrade, wording));
  for (const pair of named) {
    if (context.engine === 'sqlite') findings.push(...sqliteNeedsBatch(pair, wording));
    findings.push(...notNullWithoutDefault(pair, context), ...narrowingType(pair[0], pair[1], context));
  }
  return applyMarkers(findings, markers).sort((a, b) => a.line - b.line);
}
