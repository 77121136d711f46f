import type { Project } from '../project.js';
import { engineFor } from '../engines/index.js';
import { describeTarget } from '../engines/url.js';
import type { StatusFacts } from '../report/status.js';
import { positionOf, type RevisionGraph } from './graph.js';

/** The development database's revision and where it stands in this checkout's graph; a database that cannot be read says why instead of failing. */
export async function databaseFacts(project: Project, graph: RevisionGraph): Promise<StatusFacts['database']> {
  const { devDb } = project;
  const base = { where: describeTarget(devDb, project.root), engine: devDb.engine, exists: false, revisions: [] as string[], known: false };
  try {
    const engine = await engineFor(devDb.engine);
    if (!(await engine.exists(devDb))) return { ...base, position: 'missing' };
    const revisions = await engine.revisions(devDb);
    const position = positionOf(graph, revisions);
    return {
      ...base,
      exists: true,
      revisions,
      known: revisions.every((r) => graph.nodes.has(r)),
      position: position.kind,
      ...(position.kind === 'behind' || position.kind === 'empty' ? { behind: position.by } : {}),
    };
  } catch (error) {
    return { ...base, position: 'unreadable', error: (error as Error).message };
  }
}
