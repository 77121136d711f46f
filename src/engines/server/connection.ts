import { userInfo } from 'node:os';
import { DevdbError, EXIT, usageError } from '../../errors.js';
import type { ServerEngine } from '../../schema/model.js';
import type { DatabaseTarget } from '../url.js';

/**
 * What the PostgreSQL and MariaDB/MySQL engines share: reading a SQLAlchemy URL into
 * connection options, and turning driver errors into sentences that say what to do.
 * No sentence ever carries the password.
 */

/** How to reach a server, read from a SQLAlchemy URL (the "+driver" part is Python's business). */
export interface Server {
  engine: ServerEngine;
  /** "PostgreSQL" or "MariaDB", for sentences. */
  label: string;
  host: string;
  port: number;
  /** As the Python drivers default it: libpq's PGUSER, else the operating system user. */
  user: string;
  password: string | undefined;
  /** A Unix socket: PostgreSQL's `?host=/dir`, PyMySQL's `?unix_socket=/path`. */
  socket: string | undefined;
  /** "127.0.0.1:5432", or the socket, for sentences. */
  address: string;
}

const DEFAULTS: Record<ServerEngine, { label: string; port: number }> = {
  postgres: { label: 'PostgreSQL', port: 5432 },
  mysql: { label: 'MariaDB', port: 3306 },
};

interface UrlParts {
  user: string | undefined;
  password: string | undefined;
  host: string | undefined;
  port: string | undefined;
  database: string;
  query: URLSearchParams;
}

/** The parts of a SQLAlchemy URL, percent-decoded; its host may be empty (`mysql://root@/db?unix_socket=…`). */
function parse(target: DatabaseTarget): UrlParts {
  const match = /^[a-z0-9]+(?:\+[a-z0-9_]+)?:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]*\]|[^:/?]*)(?::(\d+))?(?:\/([^?]*))?(?:\?(.*))?$/i.exec(target.url);
  if (!match) {
    throw usageError(`The database URL "${describeUrl(target.url)}" is not a valid URL; write it as ${target.engine === 'postgres' ? 'postgresql' : 'mysql'}://user:password@host:port/database.`);
  }
  const [, user, password, host, port, database, query] = match;
  const decode = (text: string | undefined): string | undefined => (text ? decodeURIComponent(text) : undefined);
  return { user: decode(user), password: decode(password), host: decode(host), port, database: decode(database) ?? '', query: new URLSearchParams(query ?? '') };
}

/** The server a target's URL points at. */
export function serverOf(target: DatabaseTarget): Server {
  const engine = target.engine as ServerEngine;
  const url = parse(target);
  const defaults = DEFAULTS[engine];
  const socket = url.query.get(engine === 'postgres' ? 'host' : 'unix_socket') ?? undefined;
  const host = url.host?.replace(/^\[(.*)\]$/, '$1') ?? 'localhost';
  const port = url.port === undefined ? defaults.port : Number(url.port);
  const user = url.user ?? (engine === 'postgres' ? process.env.PGUSER : undefined) ?? userInfo().username;
  return { engine, label: defaults.label, host, port, user, password: url.password, socket, address: socket ?? `${host}:${port}` };
}

/** The one server two targets share, as a database is copied within a server only. */
export function sharedServer(source: DatabaseTarget, dest: DatabaseTarget): Server {
  const [from, to] = [serverOf(source), serverOf(dest)];
  if (from.address !== to.address) {
    throw usageError(`${to.label} copies a database only within one server, but "${databaseOf(source)}" is at ${from.address} and "${databaseOf(dest)}" at ${to.address}; put both on the same server.`);
  }
  return to;
}

/** The database a server target names: `target.database`, else the URL's path. */
export function databaseOf(target: DatabaseTarget): string {
  const name = target.database ?? parse(target).database;
  if (name === '') throw usageError(`The database URL "${describeUrl(target.url)}" names no database; add one after the host (…/devdb_dev).`);
  return name;
}

/** A URL for people: the password shown as ***. */
export const describeUrl = (url: string): string => url.replace(/^([^:/]+:\/\/[^:@/]*):[^@/]*@/, '$1:***@');

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The driver's error code: PostgreSQL's SQLSTATE, MySQL's ER_… name, or Node's errno name. */
export const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A driver message with the password taken out, should a driver ever echo it. */
function scrub(server: Server, message: string): string {
  return server.password && server.password.length >= 3 ? message.split(server.password).join('***') : message;
}

/**
 * A sentence for errors about reaching the server or the database rather than about a
 * query: refused, unknown host, wrong credentials, missing privilege, missing database.
 * Undefined for anything else. `creating`: a refused privilege is the one to create databases.
 */
export function serverError(server: Server, database: string | undefined, error: unknown, creating = false): DevdbError | undefined {
  const code = errorCode(error);
  const { label, address, user } = server;
  const sentence = (text: string): DevdbError => new DevdbError(text, { exitCode: EXIT.usage, cause: error });
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
      return sentence(`${label} at ${address} refused the connection; start it, or fix the server URL in devdb.json.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return sentence(`The ${label} host "${server.host}" was not found; fix the host in the server URL in devdb.json.`);
    case 'ETIMEDOUT':
      return sentence(`${label} at ${address} did not answer in time; check that it is running and reachable, or fix the server URL in devdb.json.`);
    // PostgreSQL: invalid_password, invalid_authorization_specification. MySQL: wrong user or password.
    case '28P01':
    case '28000':
    case 'ER_ACCESS_DENIED_ERROR':
      return sentence(`${label} at ${address} rejected user "${user}"; fix the user or password in the server URL in devdb.json.`);
    // PostgreSQL's insufficient_privilege is about databases only when creating one; elsewhere a query failed.
    case '42501':
      return creating ? sentence(`${label} user "${user}" may not create databases; grant it CREATEDB (ALTER ROLE "${user}" CREATEDB) or use a user that has it.`) : undefined;
    // MySQL: no privilege on that database, which is also what CREATE DATABASE without the CREATE privilege says.
    case 'ER_DBACCESS_DENIED_ERROR':
      return creating
        ? sentence(`${label} user "${user}" may not create databases; grant it the CREATE privilege (GRANT ALL ON *.* TO …) or use a user that has it.`)
        : sentence(`${label} user "${user}" may not use database "${database ?? ''}"; grant it privileges on that database or use a user that has them.`);
    case '3D000':
    case 'ER_BAD_DB_ERROR':
      return sentence(`The ${label} database "${database ?? ''}" does not exist at ${address}; create it, or fix the database name in the URL.`);
    case '57P03':
      return sentence(`${label} at ${address} is starting up or shutting down; wait for it and run again.`);
    case '53300':
    case 'ER_CON_COUNT_ERROR':
      return sentence(`${label} at ${address} has too many connections; close some (or raise max_connections) and run again.`);
    default:
      return undefined;
  }
}

/**
 * Runs one operation against the server: errors about the connection become the
 * sentences above (exit 2), any other is a failure naming the engine and the object,
 * like `postgres: querying "users" columns: …` (exit 1). `creating` says a refused
 * privilege is the one to create databases.
 */
export async function attempt<T>(server: Server, database: string | undefined, what: string, run: () => Promise<T>, creating = false): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DevdbError) throw error;
    throw serverError(server, database, error, creating) ?? new DevdbError(`${server.engine}: ${what}: ${scrub(server, reason(error))}`, { exitCode: EXIT.failed, cause: error });
  }
}

/** Runs one query in a database and returns its rows; `what` names the object for errors ("querying "users" columns"). */
export type Query = <T>(what: string, sql: string, params?: unknown[]) => Promise<T[]>;
