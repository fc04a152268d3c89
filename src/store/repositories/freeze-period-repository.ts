import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, FreezePeriodsTable } from '../schema.ts';

export type FreezePeriodRow = Selectable<FreezePeriodsTable>;
export type NewFreezePeriod = Omit<FreezePeriodRow, 'id' | 'created_at' | 'updated_at'>;
export type FreezePeriodUpdate = Omit<
  Updateable<FreezePeriodsTable>,
  'id' | 'project_id' | 'created_at' | 'updated_at'
>;

/** Queries on `freeze_periods`; `projectId` null means the instance-wide periods. */
export class FreezePeriodRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #of(projectId: number | null) {
    const query = this.#db.selectFrom('freeze_periods');
    return projectId === null
      ? query.where('project_id', 'is', null)
      : query.where('project_id', '=', projectId);
  }

  list(projectId: number | null, page: PageRequest): Promise<FreezePeriodRow[]> {
    return this.#of(projectId).selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
  }

  async count(projectId: number | null): Promise<number> {
    const row = await this.#of(projectId)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  find(projectId: number | null, id: number): Promise<FreezePeriodRow | undefined> {
    return this.#of(projectId).selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The periods that can freeze a project's deployments: its own and the instance's, in one query. */
  listApplicable(projectId: number): Promise<FreezePeriodRow[]> {
    return this.#db
      .selectFrom('freeze_periods')
      .selectAll()
      .where((eb) => eb.or([eb('project_id', '=', projectId), eb('project_id', 'is', null)]))
      .orderBy('id')
      .execute();
  }

  insert(values: NewFreezePeriod): Promise<FreezePeriodRow> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('freeze_periods')
      .values({ ...values, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: number, values: FreezePeriodUpdate): Promise<FreezePeriodRow | undefined> {
    return this.#db
      .updateTable('freeze_periods')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('freeze_periods').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
