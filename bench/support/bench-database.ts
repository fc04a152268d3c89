import { join } from 'node:path';
import type { Dialect } from '../../src/store/dialect.ts';
import { createTestDatabase, findPostgresBinDir, startPostgres } from '../../test/support/postgres.ts';
import { progress } from './bench-output.ts';
import type { CleanupRegistry } from './cleanup-registry.ts';
import { runCommand } from './run-command.ts';

/** The database of one benchmark run. */
export interface BenchDatabase {
  /** `GANTRY_DATABASE_URL` for the server. */
  url: string;
  /** What it is, for the result's heading. */
  description: string;
}

/**
 * A fresh database for a run: a SQLite file in `dataDir`, or one database on a throwaway PostgreSQL
 * cluster (`test/support/postgres.ts`: loopback only, fsync off) whose stop is registered.
 * `beforeStop` runs just before the cluster stops, given its superuser URL and the database's URL.
 */
export async function benchDatabase(
  dialect: Dialect,
  dataDir: string,
  cleanup: CleanupRegistry,
  beforeStop?: (adminUrl: string, databaseUrl: string) => Promise<void>,
): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    return { url: `sqlite:${join(dataDir, 'gantry.db')}`, description: 'SQLite file in the data directory' };
  }
  progress('starting a throwaway PostgreSQL');
  const postgres = await startPostgres();
  let url: string | undefined;
  cleanup.defer('PostgreSQL', async () => {
    if (url !== undefined) await beforeStop?.(postgres.url, url);
    await postgres.stop();
  });
  url = await createTestDatabase(postgres.url);
  return {
    url,
    description: `throwaway PostgreSQL ${await postgresVersion()} on loopback (fsync=off)`,
  };
}

/** The version `postgres --version` reports, or `?`. */
async function postgresVersion(): Promise<string> {
  const binDir = findPostgresBinDir();
  if (binDir === undefined) return '?';
  const result = await runCommand(join(binDir, 'postgres'), ['--version']);
  return /(\d+(\.\d+)*)/.exec(result.stdout)?.[1] ?? '?';
}
