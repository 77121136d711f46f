import pc from 'picocolors';
import type { Position } from '../migration/graph.js';
import type { SchemaChange } from '../schema/diff.js';
import { renderChanges } from '../schema/render.js';

/** What `devdb status` found, as its --json report has it. */
export interface StatusFacts {
  database: {
    where: string;
    engine: string;
    exists: boolean;
    revisions: string[];
    /** Whether every one of its revisions has a script in this checkout. */
    known: boolean;
    position: Position['kind'] | 'missing' | 'unreadable';
    /** How many revisions it is behind the heads (position "behind" or "empty"). */
    behind?: number;
    error?: string;
  };
  migrations: {
    folder: string;
    count: number;
    heads: string[];
    newest?: { revision: string; file: string; message: string; committed?: boolean };
    draft?: { revision: string; file: string; applied: boolean; committed?: boolean; exists: boolean };
  };
  drift: { checked: false; reason: string } | { checked: true; source: 'cache' | 'built'; changes: SchemaChange[] };
  snapshots: {
    count: number;
    newest?: string;
    list: { id: string; createdAt: string; revisions: string[]; reason: string; /** Whether this checkout has every revision it holds. */ known: boolean; /** The branch of a branch snapshot. */ branch?: string }[];
  };
  /** Throwaway databases devdb recorded making, by engine (snapshots not counted). */
  throwaway: Record<string, number>;
  /** `installed`: the pre-commit hook; `checkout`: the hook that makes the database follow the branch. */
  hook: { vcs: string; installed: boolean; file: string; checkout: boolean } | { vcs: null };
  next: string;
}

const short = (revision: string): string => revision.slice(0, 12);

/** The one thing to do next, the most pressing first. */
export function nextStep(facts: Omit<StatusFacts, 'next'>): string {
  const { database: db, migrations, drift, snapshots } = facts;
  if (db.position === 'unreadable') {
    const why = (db.error ?? 'no reason given').replace(/\.$/, '');
    // devdb's own errors already say what to do; a driver's bare message gets the usual advice.
    return `the development database cannot be read: ${why}${/;/.test(why) ? '' : '; check that its server is running and its URL is right'}.`;
  }
  if (db.position === 'missing') return 'the development database does not exist yet: create it with `alembic upgrade head` (or the project\'s own setup).';
  if (db.position === 'unknown') {
    const usable = [...snapshots.list].reverse().find((s) => s.known);
    const at = usable ? usable.revisions.map(short).join(', ') : '';
    const restore = !usable ? '' : usable.branch ? `\`devdb branch restore ${usable.branch}\` (its snapshot at ${at}), or ` : `\`devdb snapshot restore ${usable.id}\` (a snapshot at ${at}), or `;
    return `the development database is at ${db.revisions.map(short).join(', ')}, which this checkout has no migration for (another branch's?): ${restore}go back to that branch and \`alembic downgrade\` to a revision both branches have.`;
  }
  if (migrations.heads.length > 1) return `the migrations have ${migrations.heads.length} heads (${migrations.heads.map(short).join(', ')}): merge them with \`alembic merge heads -m "merge"\`.`;
  if (db.position === 'behind' || db.position === 'empty') return `the development database is behind by ${db.behind ?? '?'} revision(s): \`devdb cycle --upgrade-first -m "…"\` or \`alembic upgrade head\`.`;
  if (drift.checked && drift.changes.length > 0) return `models changed since the last migration: \`devdb cycle -m "area: message"\`.`;
  if (migrations.draft && migrations.draft.exists && migrations.draft.committed === false) return `the draft ${short(migrations.draft.revision)} is not committed yet: after editing it run \`devdb verify\`, then commit it with the model change.`;
  if (!drift.checked) return `the development database is at head; to compare it with the models, run \`devdb status --drift\`.`;
  return 'nothing to do: the development database is at head and matches the models.';
}

function positionText(db: StatusFacts['database']): string {
  switch (db.position) {
    case 'head':
      return pc.green('at head');
    case 'behind':
      return pc.yellow(`behind by ${db.behind}`);
    case 'empty':
      return pc.yellow(`no revision (behind by ${db.behind})`);
    case 'unknown':
      return pc.red('unknown revision: not in this checkout');
    case 'missing':
      return pc.red('does not exist');
    default:
      return pc.red(`cannot be read: ${db.error ?? ''}`);
  }
}

/** The one screen for a person. */
export function statusLines(facts: StatusFacts, color: boolean): string[] {
  const { database: db, migrations, drift, snapshots, hook } = facts;
  const lines = [`${pc.bold('Development database')}  ${db.where} (${db.engine})`];
  lines.push(`  revision   ${db.revisions.length > 0 ? db.revisions.join(', ') : '(none)'} — ${positionText(db)}`);
  lines.push(`${pc.bold('Migrations')}  ${migrations.folder}: ${migrations.count} script(s)`);
  lines.push(`  head${migrations.heads.length === 1 ? '      ' : 's     '} ${migrations.heads.join(', ') || '(none)'}`);
  if (migrations.newest) {
    const committed = migrations.newest.committed === undefined ? '' : migrations.newest.committed ? ', committed' : pc.yellow(', not committed');
    lines.push(`  newest     ${migrations.newest.revision} ${migrations.newest.message ? `"${migrations.newest.message}" ` : ''}(${migrations.newest.file}${committed})`);
  }
  if (migrations.draft) {
    const d = migrations.draft;
    lines.push(`  draft      ${d.revision} (${d.file}${d.exists ? '' : ', file gone'}${d.applied ? ', applied to the development database' : ', not applied'}${d.committed ? ', committed' : ''})`);
  }
  if (!drift.checked) lines.push(`${pc.bold('Drift')}  not checked: ${drift.reason}`);
  else if (drift.changes.length === 0) lines.push(`${pc.bold('Drift')}  none: the models match the development database (${drift.source === 'cache' ? 'model database from the reset cache' : 'model database built now'})`);
  else {
    lines.push(`${pc.bold('Drift')}  ${drift.changes.length} difference(s) between the development database (expected) and the models (actual):`);
    lines.push(...renderChanges(drift.changes, { color }).split('\n').map((l) => `  ${l}`));
  }
  lines.push(`${pc.bold('Snapshots')}  ${snapshots.count}${snapshots.newest ? `, newest ${snapshots.newest}` : ''}`);
  for (const s of snapshots.list.slice(-5)) lines.push(`  ${s.id}  at ${s.revisions.map(short).join(', ') || '(no revision)'}  ${pc.dim(s.reason)}`);
  const owned = Object.entries(facts.throwaway).map(([engine, n]) => `${engine} ${n}`);
  lines.push(`${pc.bold('Throwaway databases')}  ${owned.length > 0 ? owned.join(', ') : 'none'}`);
  lines.push(`${pc.bold('Hook')}  ${hook.vcs === null ? 'no git or Mercurial checkout' : hook.installed ? `installed (${hook.file})${hook.checkout ? '; the database follows checkouts' : ''}` : 'not installed: `devdb hook install`'}`);
  lines.push(`${pc.bold('next:')} ${facts.next}`);
  return lines;
}
