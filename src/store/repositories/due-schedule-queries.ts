import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';

/** The tables of cron schedules: `active` and `next_run_at` say whether and when each runs next. */
export type ScheduleTable = 'pipeline_schedules' | 'rebuild_schedules';

/**
 * The queries that run a table of cron schedules (pipeline schedules, rebuild schedules): what is
 * due, when the next run is, and the claim of a run. The schedules' own repositories hold the rest.
 */
export class DueScheduleQueries<T extends ScheduleTable> {
  readonly #db: Kysely<Database>;
  // Kysely types queries over the union of the tables, not over a type parameter.
  readonly #table: ScheduleTable;

  constructor(db: Kysely<Database>, table: T) {
    this.#db = db;
    this.#table = table;
  }

  /** Active schedules whose next run is at or before `now` (ISO-8601 UTC), earliest first. */
  listDue(now: string): Promise<Selectable<Database[T]>[]> {
    return this.#db
      .selectFrom(this.#table)
      .selectAll()
      .where('active', '=', 1)
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .orderBy('id')
      .execute() as Promise<Selectable<Database[T]>[]>;
  }

  /** The earliest next run of any active schedule, or null when none will run. */
  async earliestNextRunAt(): Promise<string | null> {
    const row = await this.#db
      .selectFrom(this.#table)
      .select((eb) => eb.fn.min('next_run_at').as('next'))
      .where('active', '=', 1)
      .where('next_run_at', 'is not', null)
      .executeTakeFirst();
    return row?.next ?? null;
  }

  /**
   * Moves a due schedule's next run from `from` to `to`, only if no one else has: true when this
   * caller claimed the run, so two servers on one database never run the same tick twice.
   */
  async advance(id: number, from: string, to: string | null): Promise<boolean> {
    const result = await this.#db
      .updateTable(this.#table)
      .set({ next_run_at: to })
      .where('id', '=', id)
      .where('next_run_at', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
