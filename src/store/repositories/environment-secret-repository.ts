import { type Kysely, type Selectable, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, EnvironmentSecretsTable } from '../schema.ts';

export type EnvironmentSecretRow = Selectable<EnvironmentSecretsTable>;
export type NewEnvironmentSecret = Pick<
  EnvironmentSecretRow,
  'project_id' | 'environment_scope' | 'key' | 'value_encrypted'
>;

/** Queries on `environment_secrets`; values stay encrypted here. */
export class EnvironmentSecretRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #of(projectId: number) {
    return this.#db.selectFrom('environment_secrets').where('project_id', '=', projectId);
  }

  /** One page of a project's secrets, ordered by key then environment scope. */
  list(projectId: number, page: PageRequest): Promise<EnvironmentSecretRow[]> {
    return this.#of(projectId)
      .selectAll()
      .orderBy('key')
      .orderBy('environment_scope')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async count(projectId: number): Promise<number> {
    const row = await this.#of(projectId)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Every secret of the project, for choosing those an environment receives. */
  listAll(projectId: number): Promise<EnvironmentSecretRow[]> {
    return this.#of(projectId).selectAll().orderBy('key').orderBy('environment_scope').execute();
  }

  /** The secret of `key` in exactly `environmentScope` (no pattern matching). */
  find(projectId: number, key: string, environmentScope: string): Promise<EnvironmentSecretRow | undefined> {
    return this.#of(projectId)
      .selectAll()
      .where('key', '=', key)
      .where('environment_scope', '=', environmentScope)
      .executeTakeFirst();
  }

  insert(values: NewEnvironmentSecret): Promise<EnvironmentSecretRow> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('environment_secrets')
      .values({ ...values, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Replaces the encrypted value; undefined when the row is gone. */
  updateValue(id: number, valueEncrypted: string): Promise<EnvironmentSecretRow | undefined> {
    return this.#db
      .updateTable('environment_secrets')
      .set({ value_encrypted: valueEncrypted, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('environment_secrets').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
