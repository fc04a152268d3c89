import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from '../../src/store/dialect.ts';
import { skipOutsideCi } from '../runner/real-dependency.ts';
import { createTestDatabase, postgresUrlFromEnv } from './postgres.ts';

/** Every dialect the store and API tests run on. */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/**
 * Why a dialect cannot be tested here, or undefined when it can. In CI a missing PostgreSQL is a
 * failure, never a skip: callers turn a reason into `assert.fail` when `CI=true`.
 */
export function unavailableReason(dialect: Dialect): string | undefined {
  if (dialect === 'postgres' && postgresUrlFromEnv() === undefined) {
    return 'GANTRY_TEST_POSTGRES_URL is not set (run the suite with scripts/test.ts, which starts PostgreSQL)';
  }
  return undefined;
}

/** The options for `describe(name, options, …)`: skip outside CI when the dialect is missing. */
export function dialectSuiteOptions(dialect: Dialect): { skip?: string } {
  const reason = unavailableReason(dialect);
  return skipOutsideCi(reason);
}

/** A fresh, empty database of the dialect: a new SQLite file, or a new PostgreSQL database. */
export async function freshDatabaseUrl(dialect: Dialect): Promise<string> {
  if (dialect === 'sqlite') return `sqlite:${join(mkdtempSync(join(tmpdir(), 'gantry-db-')), 'gantry.db')}`;
  const admin = postgresUrlFromEnv();
  if (admin === undefined) throw new Error(unavailableReason('postgres'));
  return createTestDatabase(admin);
}
