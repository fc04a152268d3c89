import type { Kysely, Selectable } from 'kysely';
import type { RefKind } from '../../domain/protected-ref.ts';
import type { Database, ProtectedRefsTable } from '../schema.ts';

export type ProtectedRefRow = Selectable<ProtectedRefsTable>;

/** Queries on `protected_refs`: each row protects the branches or tags one name or pattern covers. */
export class ProtectedRefRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  list(projectId: number, kind: RefKind): Promise<ProtectedRefRow[]> {
    return this.#db
      .selectFrom('protected_refs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('kind', '=', kind)
      .orderBy('name')
      .execute();
  }

  find(projectId: number, kind: RefKind, name: string): Promise<ProtectedRefRow | undefined> {
    return this.#db
      .selectFrom('protected_refs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('kind', '=', kind)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /** The names and patterns protecting the project's branches or tags. */
  async patterns(projectId: number, kind: RefKind): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('protected_refs')
      .select('name')
      .where('project_id', '=', projectId)
      .where('kind', '=', kind)
      .execute();
    return rows.map((row) => row.name);
  }

  insert(projectId: number, kind: RefKind, name: string): Promise<ProtectedRefRow> {
    return this.#db
      .insertInto('protected_refs')
      .values({ project_id: projectId, kind, name, created_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('protected_refs').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
