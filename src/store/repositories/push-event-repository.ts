import { type Kysely, type Selectable, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { PushEvent } from '../../events/event-bus.ts';
import type { Database, PushEventsTable } from '../schema.ts';

type PushEventRow = Selectable<PushEventsTable>;

const toEvent = (row: PushEventRow): PushEvent => ({
  id: row.id,
  projectId: row.project_id,
  ref: row.ref,
  before: row.before_sha,
  after: row.after_sha,
  userId: row.user_id,
  createdAt: row.created_at,
});

/** Queries on `push_events`. */
export class PushEventRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(values: Omit<PushEvent, 'id' | 'createdAt'>): Promise<PushEvent> {
    const row = await this.#db
      .insertInto('push_events')
      .values({
        project_id: values.projectId,
        ref: values.ref,
        before_sha: values.before,
        after_sha: values.after,
        user_id: values.userId,
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEvent(row);
  }

  async list(projectId: number, page: PageRequest): Promise<PushEvent[]> {
    const rows = await this.#db
      .selectFrom('push_events')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id', 'desc')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
    return rows.map(toEvent);
  }

  async count(projectId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('push_events')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
