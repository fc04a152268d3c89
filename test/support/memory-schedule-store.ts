import type { CronScheduleRow, DueScheduleStore } from '../../src/scheduler/due-schedule-runner.ts';

type ScheduleRow = CronScheduleRow & { active: number };

/** A schedule table's due-run queries over an array, answering as the repositories do. */
export class MemoryScheduleStore<Row extends ScheduleRow> implements DueScheduleStore<Row> {
  readonly rows: Row[] = [];
  readonly #defaults: Omit<Row, 'id' | 'next_run_at'>;

  /** @param defaults the columns of every row `add` does not set. */
  constructor(defaults: Omit<Row, 'id' | 'next_run_at'>) {
    this.#defaults = defaults;
  }

  add(values: Partial<Row> & { id: number; next_run_at: string | null }): Row {
    const row = { ...this.#defaults, ...values } as Row;
    this.rows.push(row);
    return row;
  }

  async listDue(now: string): Promise<Row[]> {
    return this.rows
      .filter((r) => r.active === 1 && r.next_run_at !== null && r.next_run_at <= now)
      .sort((a, b) => (a.next_run_at! < b.next_run_at! ? -1 : 1))
      .map((r) => ({ ...r }));
  }

  async earliestNextRunAt(): Promise<string | null> {
    const times = this.rows
      .filter((r) => r.active === 1 && r.next_run_at !== null)
      .map((r) => r.next_run_at!);
    return times.sort()[0] ?? null;
  }

  async advance(id: number, from: string, to: string | null): Promise<boolean> {
    const row = this.rows.find((r) => r.id === id);
    if (!row || row.next_run_at !== from) return false;
    row.next_run_at = to;
    return true;
  }
}
