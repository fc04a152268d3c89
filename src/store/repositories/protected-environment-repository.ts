import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, ProtectedEnvironmentsTable } from '../schema.ts';

export type ProtectedEnvironmentRow = Selectable<ProtectedEnvironmentsTable>;
export type NewProtectedEnvironment = Omit<
  Insertable<ProtectedEnvironmentsTable>,
  'id' | 'created_at' | 'updated_at'
>;
export type ProtectedEnvironmentUpdate = Omit<
  Updateable<ProtectedEnvironmentsTable>,
  'id' | 'project_id' | 'name' | 'created_at' | 'updated_at'
>;

/**
 * Queries on `protected_environments`: per project, an environment name or glob with who may deploy
 * and who must approve (both JSON `Grant[]`).
 */
export class ProtectedEnvironmentRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  list(projectId: number): Promise<ProtectedEnvironmentRow[]> {
    return this.#db
      .selectFrom('protected_environments')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('name')
      .execute();
  }

  find(projectId: number, name: string): Promise<ProtectedEnvironmentRow | undefined> {
    return this.#db
      .selectFrom('protected_environments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /** Inserts; undefined when the project already protects that name (the unique index decides). */
  insert(values: NewProtectedEnvironment): Promise<ProtectedEnvironmentRow | undefined> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('protected_environments')
      .values({ ...values, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  update(id: number, values: ProtectedEnvironmentUpdate): Promise<ProtectedEnvironmentRow | undefined> {
    return this.#db
      .updateTable('protected_environments')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('protected_environments')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
