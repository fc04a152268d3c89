import type { Kysely, Selectable } from 'kysely';
import type { Database, PersonalAccessTokensTable } from '../schema.ts';
import type { UserRow } from './user-repository.ts';

export type AccessTokenRow = Selectable<PersonalAccessTokensTable>;

/** Queries on `personal_access_tokens`; only hashes are ever stored or looked up. */
export class AccessTokenRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  create(values: {
    userId: number;
    name: string;
    tokenHash: string;
    tokenPrefix: string;
    scopes: string[];
    expiresAt: string | null;
  }): Promise<AccessTokenRow> {
    return this.#db
      .insertInto('personal_access_tokens')
      .values({
        user_id: values.userId,
        name: values.name,
        token_hash: values.tokenHash,
        token_prefix: values.tokenPrefix,
        scopes: values.scopes.join(','),
        expires_at: values.expiresAt,
        revoked: 0,
        last_used_at: null,
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The token with this hash and its owner, whatever its state (callers judge expiry and revocation). */
  async findWithUserByHash(tokenHash: string): Promise<{ token: AccessTokenRow; user: UserRow } | undefined> {
    const token = await this.#db
      .selectFrom('personal_access_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!token) return undefined;
    const user = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', token.user_id)
      .executeTakeFirst();
    return user ? { token, user } : undefined;
  }

  findById(id: number): Promise<AccessTokenRow | undefined> {
    return this.#db.selectFrom('personal_access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listForUser(userId: number): Promise<AccessTokenRow[]> {
    return this.#db
      .selectFrom('personal_access_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  listAll(): Promise<AccessTokenRow[]> {
    return this.#db.selectFrom('personal_access_tokens').selectAll().orderBy('id').execute();
  }

  async revoke(id: number): Promise<void> {
    await this.#db.updateTable('personal_access_tokens').set({ revoked: 1 }).where('id', '=', id).execute();
  }

  async touch(id: number, at: string): Promise<void> {
    await this.#db
      .updateTable('personal_access_tokens')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .execute();
  }
}
