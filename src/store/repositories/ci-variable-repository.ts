import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { CiVariablesTable, Database } from '../schema.ts';

export type CiVariableRow = Selectable<CiVariablesTable>;
export type NewCiVariable = Omit<CiVariableRow, 'id' | 'created_at'>;
export type CiVariableUpdate = Omit<Updateable<CiVariablesTable>, 'id' | 'project_id' | 'key' | 'created_at'>;

/**
 * Queries on `ci_variables`. `projectId` null means instance variables (the rows whose
 * `project_id` is null); values stay encrypted here.
 */
export class CiVariableRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #of(projectId: number | null) {
    const query = this.#db.selectFrom('ci_variables');
    return projectId === null
      ? query.where('project_id', 'is', null)
      : query.where('project_id', '=', projectId);
  }

  /** One page, ordered by key then environment scope. */
  list(projectId: number | null, page: PageRequest): Promise<CiVariableRow[]> {
    return this.#of(projectId)
      .selectAll()
      .orderBy('key')
      .orderBy('environment_scope')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async count(projectId: number | null): Promise<number> {
    const row = await this.#of(projectId)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Every variable of the project (or the instance), for resolving a job's variables. */
  listAll(projectId: number | null): Promise<CiVariableRow[]> {
    return this.#of(projectId).selectAll().orderBy('key').orderBy('environment_scope').execute();
  }

  /** The distinct keys defined in the project (or the instance). */
  async keys(projectId: number | null): Promise<string[]> {
    const rows = await this.#of(projectId).select('key').distinct().execute();
    return rows.map((row) => row.key);
  }

  /** Every variable of one key, one per environment scope. */
  findByKey(projectId: number | null, key: string): Promise<CiVariableRow[]> {
    return this.#of(projectId).selectAll().where('key', '=', key).orderBy('environment_scope').execute();
  }

  insert(values: NewCiVariable): Promise<CiVariableRow> {
    return this.#db
      .insertInto('ci_variables')
      .values({ ...values, created_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: number, values: CiVariableUpdate): Promise<CiVariableRow | undefined> {
    return this.#db
      .updateTable('ci_variables')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('ci_variables').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
