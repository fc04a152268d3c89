import { performance } from 'node:perf_hooks';
import pg from 'pg';
import pino from 'pino';
import { resolveServerConfig } from '../../src/config/server-config.ts';
import { type GantryServer, startGantryServer } from '../../src/server/gantry-server.ts';
import type { Dialect } from '../../src/store/dialect.ts';
import { freePort } from '../../test/support/free-port.ts';
import { benchDatabase } from './bench-database.ts';
import { progress } from './bench-output.ts';
import type { CleanupRegistry } from './cleanup-registry.ts';
import { sleep } from './sleep.ts';
import { temporaryDirectory } from './temporary-directory.ts';

/** A Gantry server running in the benchmark's process, and what its database is. */
export interface BenchServer {
  server: GantryServer;
  /** The database, for the result's heading. */
  database: string;
  /** The server's data directory (logs, builds, repositories). */
  dataDir: string;
}

/**
 * Starts the real server in this process on a free loopback port, with a temporary data directory
 * (named `dataDirPrefix` and random characters), a fresh database of `dialect` (`benchDatabase`),
 * `adminToken` as `GANTRY_INITIAL_ADMIN_TOKEN`, no mirror polling and no embedded runner. Its log is
 * silent unless `GANTRY_BENCH_LOG` names a level (it then goes to stderr). The server, its
 * database and the data directory are registered with `cleanup`; on PostgreSQL the cluster stops
 * only once the server's pool has closed its sessions.
 */
export async function startBenchServer(
  dialect: Dialect,
  cleanup: CleanupRegistry,
  options: { adminToken: string; dataDirPrefix: string },
): Promise<BenchServer> {
  const dataDir = (await temporaryDirectory(cleanup, options.dataDirPrefix, 'data directory')).path;
  const database = await benchDatabase(dialect, dataDir, cleanup, (adminUrl, databaseUrl) =>
    connectionsGone(adminUrl, new URL(databaseUrl).pathname.slice(1)),
  );
  const config = resolveServerConfig(
    {},
    {
      GANTRY_HOST: '127.0.0.1',
      GANTRY_PORT: String(await freePort()),
      GANTRY_DATA_DIR: dataDir,
      GANTRY_DATABASE_URL: database.url,
      GANTRY_INITIAL_ADMIN_TOKEN: options.adminToken,
      GANTRY_MIRROR_INTERVAL: '0',
      GANTRY_RUNNER_CONCURRENCY: '0',
    },
    dataDir,
  );
  progress(`${dialect}: starting the server in this process`);
  const server = await startGantryServer(config, {
    announce: () => {},
    // Silent like the tests; GANTRY_BENCH_LOG=warn shows what the server logs.
    logger: pino({ level: process.env.GANTRY_BENCH_LOG ?? 'silent' }, pino.destination(2)),
  });
  cleanup.defer('server', () => server.close());
  return { server, database: database.description, dataDir };
}

/** Waits (up to 5 s) until the server's pool has closed its PostgreSQL sessions. */
async function connectionsGone(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const deadline = performance.now() + 5_000;
    while (performance.now() < deadline) {
      const result = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [database],
      );
      if ((result.rows[0]?.n ?? 0) === 0) return;
      await sleep(20);
    }
    progress(`connections to ${database} were still open after 5 s; stopping PostgreSQL anyway`);
  } finally {
    await client.end();
  }
}
