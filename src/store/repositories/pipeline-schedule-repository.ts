import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, PipelineSchedulesTable } from '../schema.ts';

export type PipelineScheduleRow = Selectable<PipelineSchedulesTable>;
export type NewPipelineSchedule = Omit<PipelineScheduleRow, 'id' | 'created_at' | 'updated_at'>;
export type PipelineScheduleUpdate = Omit<
  Updateable<PipelineSchedulesTable>,
  'id' | 'project_id' | 'created_at' | 'updated_at'
>;

/** The user a schedule's pipelines run as. */
export interface ScheduleOwner {
  id: number;
  username: string;
  name: string;
  state: string;
}

export type PipelineScheduleWithOwner = PipelineScheduleRow & { owner: ScheduleOwner | null };

/** The newest pipeline a schedule created. */
export interface ScheduleLastPipeline {
  id: number;
  sha: string;
  ref: string;
  status: string;
}

/** Which schedules a listing covers, as GitLab's `scope` parameter: all, active or inactive ones. */
export interface ScheduleFilter {
  active?: boolean | undefined;
}

/** Queries on `pipeline_schedules`; schedule variables stay encrypted here. */
export class PipelineScheduleRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #withOwner() {
    return this.#db
      .selectFrom('pipeline_schedules')
      .leftJoin('users', 'users.id', 'pipeline_schedules.owner_id')
      .selectAll('pipeline_schedules')
      .select([
        'users.id as owner_user_id',
        'users.username as owner_username',
        'users.name as owner_name',
        'users.state as owner_state',
      ]);
  }

  list(projectId: number, filter: ScheduleFilter, page: PageRequest): Promise<PipelineScheduleWithOwner[]> {
    let query = this.#withOwner().where('pipeline_schedules.project_id', '=', projectId);
    if (filter.active !== undefined)
      query = query.where('pipeline_schedules.active', '=', filter.active ? 1 : 0);
    return query
      .orderBy('pipeline_schedules.id')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute()
      .then((rows) => rows.map(withOwner));
  }

  async count(projectId: number, filter: ScheduleFilter): Promise<number> {
    let query = this.#db.selectFrom('pipeline_schedules').where('project_id', '=', projectId);
    if (filter.active !== undefined) query = query.where('active', '=', filter.active ? 1 : 0);
    const row = await query.select(sql<number>`cast(count(*) as integer)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async find(projectId: number, id: number): Promise<PipelineScheduleWithOwner | undefined> {
    const row = await this.#withOwner()
      .where('pipeline_schedules.project_id', '=', projectId)
      .where('pipeline_schedules.id', '=', id)
      .executeTakeFirst();
    return row && withOwner(row);
  }

  async insert(values: NewPipelineSchedule): Promise<PipelineScheduleRow> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('pipeline_schedules')
      .values({ ...values, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: number, values: PipelineScheduleUpdate): Promise<PipelineScheduleRow | undefined> {
    return this.#db
      .updateTable('pipeline_schedules')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('pipeline_schedules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The newest pipeline the schedule created, if any. */
  lastPipeline(scheduleId: number): Promise<ScheduleLastPipeline | undefined> {
    return this.#db
      .selectFrom('pipelines')
      .select(['id', 'sha', 'ref', 'status'])
      .where('schedule_id', '=', scheduleId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}

function withOwner(
  row: PipelineScheduleRow & {
    owner_user_id: number | null;
    owner_username: string | null;
    owner_name: string | null;
    owner_state: string | null;
  },
): PipelineScheduleWithOwner {
  const { owner_user_id, owner_username, owner_name, owner_state, ...schedule } = row;
  const owner =
    owner_user_id === null
      ? null
      : {
          id: owner_user_id,
          username: owner_username ?? '',
          name: owner_name ?? '',
          state: owner_state ?? '',
        };
  return { ...schedule, owner };
}
