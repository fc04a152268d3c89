import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, RebuildSchedulesTable } from '../schema.ts';

export type RebuildScheduleRow = Selectable<RebuildSchedulesTable>;
export type NewRebuildSchedule = Pick<
  RebuildScheduleRow,
  | 'project_id'
  | 'description'
  | 'environments'
  | 'cron'
  | 'cron_timezone'
  | 'active'
  | 'next_run_at'
  | 'owner_id'
>;
export type RebuildScheduleUpdate = Omit<
  Updateable<RebuildSchedulesTable>,
  'id' | 'project_id' | 'created_at' | 'updated_at'
>;

/** The user a schedule's rebuilds run as. */
export interface RebuildScheduleOwner {
  id: number;
  username: string;
  name: string;
  state: string;
}

export type RebuildScheduleWithOwner = RebuildScheduleRow & { owner: RebuildScheduleOwner | null };

/** A pipeline a schedule's last run created, as its view shows it. */
export interface RebuildSchedulePipeline {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  status: string;
}

/** Queries on `rebuild_schedules`. */
export class RebuildScheduleRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #withOwner() {
    return this.#db
      .selectFrom('rebuild_schedules')
      .leftJoin('users', 'users.id', 'rebuild_schedules.owner_id')
      .selectAll('rebuild_schedules')
      .select(['users.username as owner_username', 'users.name as owner_name', 'users.state as owner_state']);
  }

  list(projectId: number, page: PageRequest): Promise<RebuildScheduleWithOwner[]> {
    return this.#withOwner()
      .where('rebuild_schedules.project_id', '=', projectId)
      .orderBy('rebuild_schedules.id')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute()
      .then((rows) => rows.map(withOwner));
  }

  async count(projectId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('rebuild_schedules')
      .where('project_id', '=', projectId)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async find(projectId: number, id: number): Promise<RebuildScheduleWithOwner | undefined> {
    const row = await this.#withOwner()
      .where('rebuild_schedules.project_id', '=', projectId)
      .where('rebuild_schedules.id', '=', id)
      .executeTakeFirst();
    return row && withOwner(row);
  }

  insert(values: NewRebuildSchedule): Promise<RebuildScheduleRow> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('rebuild_schedules')
      .values({ ...values, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(id: number, values: RebuildScheduleUpdate): Promise<void> {
    await this.#db
      .updateTable('rebuild_schedules')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.#db.deleteFrom('rebuild_schedules').where('id', '=', id).execute();
  }

  /** The pipelines with these ids (a last run's), in id order; deleted ones are left out. */
  pipelines(ids: readonly number[]): Promise<RebuildSchedulePipeline[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db
      .selectFrom('pipelines')
      .select(['id', 'iid', 'sha', 'ref', 'status'])
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
  }
}

function withOwner(
  row: RebuildScheduleRow & {
    owner_username: string | null;
    owner_name: string | null;
    owner_state: string | null;
  },
): RebuildScheduleWithOwner {
  const { owner_username, owner_name, owner_state, ...schedule } = row;
  // owner_id stays set while the user exists; the foreign key nulls it when they are deleted.
  const owner =
    schedule.owner_id === null || owner_username === null
      ? null
      : { id: schedule.owner_id, username: owner_username, name: owner_name ?? '', state: owner_state ?? '' };
  return { ...schedule, owner };
}
