import { createHash } from 'node:crypto';
import type { ServerEngine } from '../schema/model.js';
import type { DatabaseTarget } from './url.js';
import { realFile } from './url.js';

/** Every database devdb creates on a server starts with this; nothing else is ever dropped. */
const DATABASE_PREFIX = 'devdb_';

/** Eight hex digits of the project root's real path: two checkouts on one server never share a database. */
const projectTag = (root: string): string => createHash('sha256').update(realFile(root)).digest('hex').slice(0, 8);

/** The database devdb owns on a server for one role of one project: devdb_1a2b3c4d_temp, …_base, …_snap_… */
export const databaseName = (root: string, role: string): string => `${DATABASE_PREFIX}${projectTag(root)}_${role}`;

const URL_PARTS = /^([^:]+):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/;

/**
 * The URL of `database` on the server `serverUrl` names, with the SQLAlchemy dialect
 * and driver `scheme` (postgresql+psycopg2, mysql+pymysql …; by default the server URL's own); the server URL's
 * credentials, host and query are kept, its database is replaced.
 */
export function serverTarget(engine: ServerEngine, serverUrl: string, database: string, scheme?: string): DatabaseTarget {
  const parts = URL_PARTS.exec(serverUrl);
  if (!parts) throw new Error(`not a server URL: ${serverUrl}`);
  // MySQL drivers default to a 3-byte or latin1 charset; Kallithea's text needs utf8mb4.
  const query = engine === 'mysql' && !/[?&]charset=/.test(parts[4] ?? '') ? `${parts[4] ? `${parts[4]}&` : '?'}charset=utf8mb4` : (parts[4] ?? '');
  return { engine, url: `${scheme ?? parts[1]}://${parts[2]}/${database}${query}`, database };
}

/** The dialect+driver a server URL names explicitly ("postgresql+psycopg2"), or undefined when it names only the dialect. */
export function explicitScheme(serverUrl: string): string | undefined {
  const scheme = URL_PARTS.exec(serverUrl)?.[1];
  return scheme?.includes('+') ? scheme : undefined;
}
