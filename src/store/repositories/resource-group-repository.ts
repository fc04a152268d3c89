import type { Kysely, Selectable } from 'kysely';
import type { Database, ResourceGroupsTable } from '../schema.ts';

export type ResourceGroupRow = Selectable<ResourceGroupsTable>;

/** Queries on `resource_groups` (created on first use by a job, as GitLab does). */
export class ResourceGroupRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async findOrCreate(projectId: number, key: string): Promise<ResourceGroupRow> {
    await this.#db
      .insertInto('resource_groups')
      .values({ project_id: projectId, key, process_mode: 'unordered', created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['project_id', 'key']).doNothing())
      .execute();
    return (await this.find(projectId, key))!;
  }

  find(projectId: number, key: string): Promise<ResourceGroupRow | undefined> {
    return this.#db
      .selectFrom('resource_groups')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  list(projectId: number): Promise<ResourceGroupRow[]> {
    return this.#db
      .selectFrom('resource_groups')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('key')
      .execute();
  }

  update(id: number, processMode: string): Promise<ResourceGroupRow | undefined> {
    return this.#db
      .updateTable('resource_groups')
      .set({ process_mode: processMode })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }
}
