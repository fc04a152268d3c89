import { type Kysely, type Selectable, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, HookDeliveriesTable } from '../schema.ts';

export type HookDeliveryRow = Selectable<HookDeliveriesTable>;

/** A delivery to enqueue: for a project hook or for a target (exactly one of the two). */
export interface NewHookDelivery {
  project_id: number;
  hook_id: number | null;
  target_id: number | null;
  event: string;
  /** The exact JSON body that will be sent (and signed). */
  payload: string;
  /** When it is first due (ISO-8601 UTC). */
  next_attempt_at: string;
}

/** The result of one attempt. */
export interface DeliveryAttempt {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
}

/**
 * Queries on `hook_deliveries`, the outbox of outgoing webhooks that doubles as their delivery log:
 * a row is `pending` with the time it is next due, then `delivered` or `failed`.
 */
export class HookDeliveryRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  insert(values: NewHookDelivery): Promise<HookDeliveryRow> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('hook_deliveries')
      .values({
        ...values,
        status: 'pending',
        attempts: 0,
        response_status: null,
        response_body: null,
        error: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  find(id: number): Promise<HookDeliveryRow | undefined> {
    return this.#db.selectFrom('hook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** One page of a hook's (or, with `target`, a target's) deliveries, newest first. */
  list(owner: { hookId: number } | { targetId: number }, page: PageRequest): Promise<HookDeliveryRow[]> {
    return this.#of(owner)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async count(owner: { hookId: number } | { targetId: number }): Promise<number> {
    const row = await this.#of(owner)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  #of(owner: { hookId: number } | { targetId: number }) {
    const query = this.#db.selectFrom('hook_deliveries');
    return 'hookId' in owner
      ? query.where('hook_id', '=', owner.hookId)
      : query.where('target_id', '=', owner.targetId);
  }

  /** Pending deliveries due at `now` (ISO-8601 UTC), earliest first, at most `limit`. */
  due(now: string, limit: number): Promise<HookDeliveryRow[]> {
    return this.#db
      .selectFrom('hook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** When the earliest pending delivery is due, or null when none is pending. */
  async earliestDue(): Promise<string | null> {
    const row = await this.#db
      .selectFrom('hook_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('next'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.next ?? null;
  }

  /**
   * Takes a due delivery for sending by moving its due time from `from` to `until` (a lease), only
   * if no one else has: true when this caller got it. Two servers on one database never send the
   * same attempt twice, and a sender that dies mid-send leaves it due again once the lease ends.
   */
  async claim(id: number, from: string, until: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('hook_deliveries')
      .set({ next_attempt_at: until })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records an attempt's result. */
  async record(id: number, attempt: DeliveryAttempt): Promise<void> {
    await this.#db
      .updateTable('hook_deliveries')
      .set({ ...attempt, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }
}
