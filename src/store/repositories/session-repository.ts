import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../schema.ts';
import type { UserRow } from './user-repository.ts';

export type SessionRow = Selectable<SessionsTable>;

/** Queries on `sessions` (browser sign-ins); only token hashes are stored. */
export class SessionRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  create(values: { userId: number; tokenHash: string; expiresAt: string }): Promise<SessionRow> {
    return this.#db
      .insertInto('sessions')
      .values({
        user_id: values.userId,
        token_hash: values.tokenHash,
        expires_at: values.expiresAt,
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findWithUserByHash(tokenHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const session = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!session) return undefined;
    const user = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', session.user_id)
      .executeTakeFirst();
    return user ? { session, user } : undefined;
  }

  async deleteByHash(tokenHash: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpired(now: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}
