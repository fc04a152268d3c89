import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { GantryError } from '../domain/errors.ts';
import type { Dialect } from './dialect.ts';
import { migrationsFor } from './migrations/index.ts';
import { openNodeSqlite } from './node-sqlite-database.ts';
import type { Database } from './schema.ts';

/** An open database: the query builder, which engine it talks to, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Runs migrations that have not run yet; safe to call on every start. */
  migrate(): Promise<void>;
  /** True when a trivial query answers (for `/readyz`). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the database named by a URL: `postgres://…` / `postgresql://…` for PostgreSQL, `sqlite:PATH`
 * or `file:PATH` (or a bare path) for SQLite. `sqlite::memory:` opens a private in-memory database.
 */
export function openStore(url: string, onConnectionError: (error: Error) => void = () => {}): Store {
  const dialect = dialectOf(url);
  const db =
    dialect === 'postgres'
      ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: postgresPool(url, onConnectionError) }) })
      : new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqliteFile(url) }) });
  return {
    db,
    dialect,
    async migrate() {
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw new GantryError(
          'unavailable',
          `cannot connect to the database at ${redactUrl(url)}: ${(error as Error).message || String(error)}`,
        );
      }
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => migrationsFor(dialect) },
        migrationTableName: 'gantry_migrations',
        migrationLockTableName: 'gantry_migrations_lock',
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new GantryError('internal', `database migration ${failed} failed: ${String(error)}`);
      }
    },
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}

/**
 * A connection pool that survives the server dropping an idle connection (a restart, a terminated
 * backend, a timeout): pg then emits 'error' on the pool, which without a listener ends the process.
 * The broken connection is already discarded; the next query opens a new one.
 */
function postgresPool(url: string, onConnectionError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', onConnectionError);
  return pool;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.toString();
}

function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

function openSqliteFile(url: string) {
  const path = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (path === '') throw new GantryError('bad_request', `database URL "${url}" names no SQLite file`);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return openNodeSqlite(path);
}
