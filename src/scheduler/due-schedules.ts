import { parseCronSchedule } from './cron-schedule.ts';

/** What running a cron schedule reads of its row. */
export interface CronScheduleRow {
  id: number;
  cron: string;
  cron_timezone: string;
  next_run_at: string | null;
}

/** The queries that run a table of cron schedules; the schedule repositories provide them. */
export interface DueScheduleStore<Row extends CronScheduleRow> {
  /** Active schedules whose next run is at or before `now` (ISO-8601 UTC), earliest first. */
  listDue(now: string): Promise<Row[]>;
  /** The earliest next run of any active schedule, or null when none will run. */
  earliestNextRunAt(): Promise<string | null>;
  /** Moves a schedule's next run from `from` to `to` unless someone else has; true when this call did. */
  advance(id: number, from: string, to: string | null): Promise<boolean>;
}

/**
 * Runs every schedule due at `now`, earliest first, until `stopped()` turns true. Each is claimed
 * before it runs by moving its `next_run_at` to its first cron time after now: a run missed many
 * times while the server was down happens once (as GitLab does), and of two servers on one
 * database only the one whose move lands runs it. A run that then fails is reported, not retried.
 * @param onError gets each schedule's failures with its id; never thrown.
 */
export async function runDueSchedules<Row extends CronScheduleRow>(options: {
  schedules: DueScheduleStore<Row>;
  now: Date;
  stopped: () => boolean;
  run: (schedule: Row) => Promise<void>;
  onError: (error: unknown, scheduleId: number) => void;
}): Promise<void> {
  const { schedules, now, onError } = options;
  for (const schedule of await schedules.listDue(now.toISOString())) {
    if (options.stopped()) break;
    const dueAt = schedule.next_run_at;
    if (dueAt === null) continue;
    let next: string | null = null;
    try {
      next = parseCronSchedule(schedule.cron, schedule.cron_timezone).nextAfter(now)?.toISOString() ?? null;
    } catch (error) {
      // Validated when saved; a time zone this Node no longer knows stops the schedule rather than looping.
      onError(error, schedule.id);
    }
    if (!(await schedules.advance(schedule.id, dueAt, next))) continue;
    try {
      await options.run(schedule);
    } catch (error) {
      onError(error, schedule.id);
    }
  }
}
