import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { compareScopeSpecificity, scopeMatches } from '../../domain/environment-scope.ts';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, TargetsTable } from '../schema.ts';

export type TargetRow = Selectable<TargetsTable>;
export type NewTarget = Omit<TargetRow, 'id' | 'created_at' | 'updated_at' | 'secret_encrypted'>;
export type TargetUpdate = Omit<Updateable<TargetsTable>, 'id' | 'project_id' | 'created_at' | 'updated_at'>;

/**
 * Queries on `targets`, where environments run. `projectId` null means instance targets (rows whose
 * `project_id` is null, managed by administrators); secrets stay encrypted here.
 */
export class TargetRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #of(projectId: number | null) {
    const query = this.#db.selectFrom('targets');
    return projectId === null
      ? query.where('project_id', 'is', null)
      : query.where('project_id', '=', projectId);
  }

  /** One page of a project's (or the instance's) targets, oldest first. */
  list(projectId: number | null, page: PageRequest): Promise<TargetRow[]> {
    return this.#of(projectId).selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
  }

  async count(projectId: number | null): Promise<number> {
    const row = await this.#of(projectId)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A target of the project (or of the instance, `projectId` null). */
  find(projectId: number | null, id: number): Promise<TargetRow | undefined> {
    return this.#of(projectId).selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The project's (or the instance's) target of that name. */
  findByName(projectId: number | null, name: string): Promise<TargetRow | undefined> {
    return this.#of(projectId).selectAll().where('name', '=', name).executeTakeFirst();
  }

  findById(id: number): Promise<TargetRow | undefined> {
    return this.#db.selectFrom('targets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * The target serving `environmentName` in a project: among the project's own targets and the
   * instance's whose `environment_scope` matches the name, project targets win over instance ones,
   * then the most specific scope (the exact name over wildcard scopes over `*`, see
   * `compareScopeSpecificity`), then the oldest target. Undefined when none matches.
   */
  async findForEnvironment(projectId: number, environmentName: string): Promise<TargetRow | undefined> {
    const rows = await this.#db
      .selectFrom('targets')
      .selectAll()
      .where((eb) => eb.or([eb('project_id', '=', projectId), eb('project_id', 'is', null)]))
      .execute();
    return pickTargetForEnvironment(rows, environmentName);
  }

  /**
   * Inserts a target and, in the same transaction, its encrypted secret: the encryption context
   * names the new row's id, which exists only once the row does.
   */
  insert(values: NewTarget, encryptSecret: ((id: number) => string) | null): Promise<TargetRow> {
    const now = new Date().toISOString();
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('targets')
        .values({ ...values, secret_encrypted: null, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (encryptSecret === null) return row;
      return trx
        .updateTable('targets')
        .set({ secret_encrypted: encryptSecret(row.id) })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  update(id: number, values: TargetUpdate): Promise<TargetRow | undefined> {
    return this.#db
      .updateTable('targets')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Deletes a target; its deliveries go with it (foreign key cascade). */
  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('targets').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/**
 * The ordering `findForEnvironment` applies, on rows already read: project targets before instance
 * targets, then the most specific matching scope, then the lowest id.
 */
export function pickTargetForEnvironment(
  rows: readonly TargetRow[],
  environmentName: string,
): TargetRow | undefined {
  const matching = rows.filter((row) => scopeMatches(row.environment_scope, environmentName));
  matching.sort(
    (a, b) =>
      Number(a.project_id === null) - Number(b.project_id === null) ||
      compareScopeSpecificity(b.environment_scope, a.environment_scope, environmentName) ||
      a.id - b.id,
  );
  return matching[0];
}
