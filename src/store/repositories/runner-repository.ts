import type { Kysely, Selectable } from 'kysely';
import type { Database, RunnersTable } from '../schema.ts';

export type RunnerRow = Selectable<RunnersTable>;

/** Queries on `runners`; tokens are stored as hashes only. */
export class RunnerRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  create(values: {
    description: string;
    tokenHash: string;
    tokenPrefix: string;
    tags: string[];
    runUntagged: boolean;
    embedded: boolean;
  }): Promise<RunnerRow> {
    return this.#db
      .insertInto('runners')
      .values({
        description: values.description,
        token_hash: values.tokenHash,
        token_prefix: values.tokenPrefix,
        tags: JSON.stringify(values.tags),
        run_untagged: values.runUntagged ? 1 : 0,
        active: 1,
        embedded: values.embedded ? 1 : 0,
        contacted_at: null,
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(id: number): Promise<RunnerRow | undefined> {
    return this.#db.selectFrom('runners').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByTokenHash(hash: string): Promise<RunnerRow | undefined> {
    return this.#db.selectFrom('runners').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  list(): Promise<RunnerRow[]> {
    return this.#db.selectFrom('runners').selectAll().orderBy('id').execute();
  }

  async touch(id: number, at: string): Promise<void> {
    await this.#db.updateTable('runners').set({ contacted_at: at }).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('runners').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Removes embedded runners left by earlier starts: each start registers a fresh one. */
  async deleteEmbedded(): Promise<void> {
    await this.#db.deleteFrom('runners').where('embedded', '=', 1).execute();
  }
}
