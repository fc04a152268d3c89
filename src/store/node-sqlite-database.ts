import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Adapts Node's built-in `node:sqlite` to the interface Kysely's `SqliteDialect` expects, so the
 * embedded database needs no native addon. Opens the file with WAL journaling, foreign keys and a
 * busy timeout, which suit one server process with readers in other processes (backups, the CLI).
 */
export function openNodeSqlite(filename: string): SqliteDatabase & { raw: DatabaseSync } {
  const db = new DatabaseSync(filename, { timeout: 5000 });
  // Kysely sends the same few hundred SQL texts over and over; preparing each once saves most of
  // SQLite's per-query cost. Bounded, so ad-hoc SQL cannot grow it without limit.
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size >= 500) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
    }
    return statement;
  };
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  return {
    raw: db,
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const statement = prepare(sql);
      const params = (parameters: ReadonlyArray<unknown>): SQLInputValue[] => parameters.map(toSqliteValue);
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...params(parameters)),
        iterate: (parameters) => statement.iterate(...params(parameters)),
        run: (parameters) => {
          const result = statement.run(...params(parameters));
          return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
        },
      };
    },
  };
}

function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}
