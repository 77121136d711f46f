import pc from 'picocolors';
import { versionsFolder } from '../config/project-files.js';
import type { GlobalOptions } from '../context.js';
import { EXIT } from '../errors.js';
import { renderDot, renderMermaid, renderText, type Marks } from '../migration/graph-render.js';
import { buildGraph } from '../migration/graph.js';
import { readVersions } from '../migration/revisions.js';
import type { Outcome } from '../report/output.js';
import { readState } from '../state.js';
import { readProject } from '../project.js';
import { databaseFacts } from '../migration/database-position.js';

export interface GraphOptions extends GlobalOptions {
  format?: 'text' | 'mermaid' | 'dot';
}

/**
 * The revision graph of this checkout's migrations, read without Python: a tree for
 * the terminal, or a Mermaid or Graphviz file that renders. The development database's
 * revision and the draft are marked; a database that cannot be read marks nothing.
 */
export async function graph(options: GraphOptions): Promise<Outcome> {
  const format = options.format ?? 'text';
  const project = await readProject(options);
  const versions = await versionsFolder(project.config, project.root);
  const revisions = buildGraph(await readVersions(project.root, versions));
  const [database, state] = await Promise.all([databaseFacts(project, revisions), readState(project.stateDir)]);
  const marks: Marks = { dev: database.revisions, ...(state.draft ? { draft: state.draft.revision } : {}) };
  const color = format === 'text' && process.stdout.isTTY === true;
  const paint = { head: (t: string) => (color ? pc.bold(pc.cyan(t)) : t), dev: (t: string) => (color ? pc.bold(pc.green(t)) : t), draft: (t: string) => (color ? pc.bold(pc.yellow(t)) : t) };
  const drawn = format === 'mermaid' ? renderMermaid(revisions, marks) : format === 'dot' ? renderDot(revisions, marks) : `${renderText(revisions, marks, paint).join('\n')}\n`;
  const nodes = [...revisions.nodes.values()].map((n) => ({ revision: n.revision, parents: n.parents, message: n.message, file: n.file }));
  const empty = nodes.length === 0 ? [`No migrations in ${versions} yet.`] : [];
  return {
    exitCode: EXIT.ok,
    report: { ok: true, command: 'graph', format, folder: versions, heads: revisions.heads, dev: database.revisions, ...(marks.draft ? { draft: marks.draft } : {}), nodes, drawing: drawn },
    summary: [...empty, drawn.replace(/\n$/, '')].filter(Boolean),
  };
}
