import { type Kysely, type Selectable, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { AuditEventsTable, Database } from '../schema.ts';

export type AuditEventRow = Selectable<AuditEventsTable>;
export type NewAuditEvent = Omit<AuditEventRow, 'id' | 'created_at'>;

/** An audit event with the user who acted, null for system actions or deleted users. */
export type AuditEventWithAuthor = AuditEventRow & {
  author: { id: number; username: string; name: string } | null;
};

export interface AuditEventFilter {
  /** A project's events; null: instance-wide events only; undefined: every event. */
  projectId?: number | null | undefined;
  action?: string | undefined;
  /** ISO-8601 UTC bounds, both exclusive. */
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
}

/** Queries on `audit_events`, an append-only log. */
export class AuditEventRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(values: NewAuditEvent): Promise<AuditEventRow> {
    return this.#db
      .insertInto('audit_events')
      .values({ ...values, created_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  #filtered(filter: AuditEventFilter) {
    let query = this.#db.selectFrom('audit_events as e');
    if (filter.projectId === null) query = query.where('e.project_id', 'is', null);
    else if (filter.projectId !== undefined) query = query.where('e.project_id', '=', filter.projectId);
    if (filter.action !== undefined) query = query.where('e.action', '=', filter.action);
    if (filter.createdAfter !== undefined) query = query.where('e.created_at', '>', filter.createdAfter);
    if (filter.createdBefore !== undefined) query = query.where('e.created_at', '<', filter.createdBefore);
    return query;
  }

  /** A page of events, newest first. */
  async list(filter: AuditEventFilter, page: PageRequest): Promise<AuditEventWithAuthor[]> {
    const rows = await this.#filtered(filter)
      .leftJoin('users as u', 'u.id', 'e.user_id')
      .selectAll('e')
      .select(['u.id as author_id', 'u.username as author_username', 'u.name as author_name'])
      .orderBy('e.id', 'desc')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
    return rows.map(({ author_id, author_username, author_name, ...row }) => ({
      ...row,
      author:
        author_id === null
          ? null
          : { id: author_id, username: author_username ?? '', name: author_name ?? '' },
    }));
  }

  async count(filter: AuditEventFilter): Promise<number> {
    const row = await this.#filtered(filter)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
