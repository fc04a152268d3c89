import { type Kysely, type Selectable, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, UsersTable } from '../schema.ts';

export type UserRow = Selectable<UsersTable>;

/** Queries on `users`. */
export class UserRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async create(values: {
    username: string;
    name: string;
    email: string | null;
    passwordHash: string | null;
    isAdmin: boolean;
  }): Promise<UserRow> {
    return this.#db
      .insertInto('users')
      .values({
        username: values.username,
        name: values.name,
        email: values.email,
        password_hash: values.passwordHash,
        is_admin: values.isAdmin ? 1 : 0,
        state: 'active',
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(id: number): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  list(page: PageRequest): Promise<UserRow[]> {
    return this.#db
      .selectFrom('users')
      .selectAll()
      .orderBy('id')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async update(
    id: number,
    values: Partial<{
      name: string;
      email: string | null;
      passwordHash: string;
      isAdmin: boolean;
      state: string;
    }>,
  ): Promise<UserRow | undefined> {
    return this.#db
      .updateTable('users')
      .set({
        ...(values.name !== undefined && { name: values.name }),
        ...(values.email !== undefined && { email: values.email }),
        ...(values.passwordHash !== undefined && { password_hash: values.passwordHash }),
        ...(values.isAdmin !== undefined && { is_admin: values.isAdmin ? 1 : 0 }),
        ...(values.state !== undefined && { state: values.state }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
