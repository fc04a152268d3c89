import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, PipelinesTable } from '../schema.ts';

export type PipelineRow = Selectable<PipelinesTable>;
export type PipelineUpdate = Omit<Updateable<PipelinesTable>, 'id' | 'project_id' | 'iid' | 'created_at'>;
export type NewPipeline = Omit<
  PipelineRow,
  'id' | 'created_at' | 'updated_at' | 'started_at' | 'finished_at'
>;

export interface PipelineFilter {
  status?: string | undefined;
  ref?: string | undefined;
  sha?: string | undefined;
  source?: string | undefined;
}

/** Queries on `pipelines`. */
export class PipelineRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  insert(values: NewPipeline): Promise<PipelineRow> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('pipelines')
      .values({ ...values, created_at: now, updated_at: now, started_at: null, finished_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(id: number): Promise<PipelineRow | undefined> {
    return this.#db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirst();
  }

  #filtered(projectId: number, filter: PipelineFilter) {
    let query = this.#db.selectFrom('pipelines').where('project_id', '=', projectId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.ref) query = query.where('ref', '=', filter.ref);
    if (filter.sha) query = query.where('sha', '=', filter.sha);
    if (filter.source) query = query.where('source', '=', filter.source);
    return query;
  }

  list(projectId: number, filter: PipelineFilter, page: PageRequest): Promise<PipelineRow[]> {
    return this.#filtered(projectId, filter)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async count(projectId: number, filter: PipelineFilter): Promise<number> {
    const row = await this.#filtered(projectId, filter)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Pipelines not yet finished: the scheduler re-examines them after a restart. */
  listUnfinished(): Promise<PipelineRow[]> {
    return this.#db
      .selectFrom('pipelines')
      .selectAll()
      .where('status', 'in', ['created', 'pending', 'running', 'manual', 'scheduled', 'waiting_for_resource'])
      .orderBy('id')
      .execute();
  }

  update(id: number, values: PipelineUpdate): Promise<PipelineRow | undefined> {
    return this.#db
      .updateTable('pipelines')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<void> {
    await this.#db.deleteFrom('pipelines').where('id', '=', id).execute();
  }
}
