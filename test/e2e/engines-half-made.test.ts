import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devdb, editModels, kallitheaTestbed, type Testbed } from '../support/devdb.js';
import { orphansGone, start } from '../support/faults.js';
import { databasesLike, serverQuery, SERVERS } from '../support/servers.js';

// PostgreSQL makes a database in two statements that cannot share a transaction,
// CREATE DATABASE and COMMENT ON DATABASE (devdb's mark). A devdb killed while the
// first runs leaves a database without a comment; the next run must know it as its own.

const IP_ADDR = '    ip_addr = Column(String(255), nullable=False)';

type Comment = { name: string; comment: string | null };

/** The project's databases on PostgreSQL with their comments. */
const commented = (tag: string): Promise<Comment[]> =>
  serverQuery<Comment>('postgres', undefined, `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'devdb_${tag}%' ORDER BY 1`);

/** Starts devdb and SIGKILLs it the moment PostgreSQL runs its CREATE DATABASE for one of the project's databases; returns that database. */
async function killAtCreateDatabase(args: string[], tb: { root: string; env: Record<string, string> }, tag: string): Promise<string> {
  const watcher = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'root', database: 'postgres' });
  await watcher.connect();
  const running = start(args, { cwd: tb.root, env: tb.env });
  const active = `SELECT query FROM pg_stat_activity WHERE state = 'active' AND query ILIKE 'CREATE DATABASE %devdb_${tag}%'`;
  let ended = false;
  void running.child.then(() => {
    ended = true;
  });
  try {
    const deadline = Date.now() + 60_000;
    while (!ended && Date.now() < deadline) {
      const { rows } = await watcher.query<{ query: string }>(active);
      if (rows[0]) {
        process.kill(running.pid, 'SIGKILL');
        await running.child;
        // The server goes on with the statement after its client is gone.
        while ((await watcher.query(active)).rows.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        return /devdb_[0-9a-f]{8}_\w+/.exec(rows[0].query)![0];
      }
    }
    throw new Error(`devdb ${args.join(' ')} never ran CREATE DATABASE; output:\n${running.output()}`);
  } finally {
    await watcher.end();
    await orphansGone(tb.root);
  }
}

describe('a PostgreSQL database devdb was killed while creating', () => {
  let tb: Testbed & { env: Record<string, string> };
  let tag: string;
  const run = (...args: string[]) => devdb(args, { cwd: tb.root, env: tb.env });

  beforeAll(async () => {
    tb = await kallitheaTestbed();
    expect((await run('init', '--yes', '--force', '--repos', tb.repos, '--server-url', SERVERS.postgres)).exitCode).toBe(0);
    tag = /devdb_([0-9a-f]{8})_temp/.exec(JSON.parse((await run('reset', '--dry-run', '--json', '--engine', 'postgres')).stdout).database)![1]!;
    editModels(tb.root, IP_ADDR, '    note = Column(String(255), nullable=True)');
  });

  afterAll(async () => {
    expect((await run('clean', '--snapshots')).exitCode).toBe(0);
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
  });

  it('is dropped by the next cycle, which says so and passes', async () => {
    const half = await killAtCreateDatabase(['cycle', '-m', 'ip map: note', '--engine', 'postgres', '--no-apply'], tb, tag);
    expect(await commented(tag)).toContainEqual({ name: half, comment: null });

    const again = await run('cycle', '-m', 'ip map: note', '--engine', 'postgres', '--no-apply');
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`dropped \\S+/${half}: an earlier run was stopped while creating it`));
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
  });

  it('is dropped by the next reset, and by clean', async () => {
    const half = await killAtCreateDatabase(['reset', '--engine', 'postgres', '--no-cache'], tb, tag);
    expect(await commented(tag)).toContainEqual({ name: half, comment: null });
    const reset = await run('reset', '--engine', 'postgres', '--no-cache');
    expect(reset.exitCode, reset.stdout + reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(new RegExp(`dropped \\S+/${half}: an earlier run was stopped while creating it`));

    const killed = await killAtCreateDatabase(['reset', '--engine', 'postgres', '--no-cache'], tb, tag);
    expect(await commented(tag)).toContainEqual({ name: killed, comment: null });
    const clean = await run('clean');
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(killed);
    expect(await databasesLike('postgres', `devdb_${tag}`)).toEqual([]);
  });

  it('stays foreign once somebody else has put a comment on it', async () => {
    const half = await killAtCreateDatabase(['reset', '--engine', 'postgres', '--no-cache'], tb, tag);
    await serverQuery('postgres', undefined, `COMMENT ON DATABASE ${half} IS 'the reporting team''s'`);
    try {
      const refused = await run('reset', '--engine', 'postgres', '--no-cache', '--force');
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain('exists but devdb did not create it; devdb will not drop it');
      const clean = await run('clean');
      expect(clean.stdout).toContain(`Left alone (no longer the database devdb made): ${half}`);
      expect(await commented(tag)).toContainEqual({ name: half, comment: "the reporting team's" });
    } finally {
      await serverQuery('postgres', undefined, `DROP DATABASE IF EXISTS ${half}`);
    }
  });
});
