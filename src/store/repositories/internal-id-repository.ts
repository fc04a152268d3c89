import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Per-project sequence numbers (`iid`s), allocated atomically by an upsert in either dialect. */
export class InternalIdRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async next(projectId: number, usage: 'pipelines' | 'deployments'): Promise<number> {
    const row = await this.#db
      .insertInto('internal_ids')
      .values({ project_id: projectId, usage, last_value: 1 })
      .onConflict((oc) =>
        oc
          .columns(['project_id', 'usage'])
          .doUpdateSet((eb) => ({ last_value: eb('internal_ids.last_value', '+', 1) })),
      )
      .returning('last_value')
      .executeTakeFirstOrThrow();
    return Number(row.last_value);
  }
}
