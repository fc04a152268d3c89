import { parseCronSchedule } from './cron-schedule.ts';
import { DueRunLoop } from './due-run-loop.ts';
import type { ScheduleClock } from './schedule-clock.ts';

/** What running a cron schedule reads of its row. */
export interface CronScheduleRow {
  id: number;
  cron: string;
  cron_timezone: string;
  next_run_at: string | null;
}

/** The queries that run a table of cron schedules (`DueScheduleQueries` provides them). */
export interface DueScheduleStore<Row extends CronScheduleRow> {
  /** Active schedules whose next run is at or before `now` (ISO-8601 UTC), earliest first. */
  listDue(now: string): Promise<Row[]>;
  /** The earliest next run of any active schedule, or null when none will run. */
  earliestNextRunAt(): Promise<string | null>;
  /** Moves a schedule's next run from `from` to `to` unless someone else has; true when this call did. */
  advance(id: number, from: string, to: string | null): Promise<boolean>;
}

export interface DueScheduleRunnerDeps<Row extends CronScheduleRow> {
  schedules: DueScheduleStore<Row>;
  /** Runs one claimed schedule (creates its pipeline, starts its rebuilds). */
  run: (schedule: Row) => Promise<void>;
  clock: ScheduleClock;
  /** Failures of one schedule (with its id) or of the whole look (null); never thrown. */
  onError: (error: unknown, scheduleId: number | null) => void;
  maxSleepMs?: number;
  retryMs?: number;
}

/**
 * Runs the schedules of a table when they are due. It sleeps until the earliest `next_run_at` of
 * any active schedule (so it costs nothing between runs and starts on time), runs every schedule
 * that is due, and sleeps again; schedule changes call `wake()` to re-arm the timer.
 *
 * `next_run_at` lives in the database, so nothing is lost across restarts. Each due schedule is
 * claimed before it runs by moving its `next_run_at` to its first cron time after now: a run missed
 * many times while the server was down happens once (as GitLab does), and of two servers on one
 * database only the one whose move lands runs it. A run that then fails is reported, not retried.
 */
export class DueScheduleRunner<Row extends CronScheduleRow> {
  readonly #schedules: DueScheduleStore<Row>;
  readonly #run: (schedule: Row) => Promise<void>;
  readonly #onError: (error: unknown, scheduleId: number | null) => void;
  readonly #clock: ScheduleClock;
  readonly #loop: DueRunLoop;

  constructor(deps: DueScheduleRunnerDeps<Row>) {
    this.#schedules = deps.schedules;
    this.#run = deps.run;
    this.#onError = deps.onError;
    this.#clock = deps.clock;
    this.#loop = new DueRunLoop({
      runDue: (now, stopped) => this.#runDue(now, stopped),
      earliest: () => this.#schedules.earliestNextRunAt(),
      clock: deps.clock,
      onError: (error) => this.#onError(error, null),
      ...(deps.maxSleepMs !== undefined && { maxSleepMs: deps.maxSleepMs }),
      ...(deps.retryMs !== undefined && { retryMs: deps.retryMs }),
    });
  }

  /** Runs what is due now (runs missed while stopped, once each) and arms the timer. */
  start(): Promise<void> {
    return this.#loop.start();
  }

  /** Looks for due schedules now and re-arms the timer; call after any schedule change. */
  wake(): void {
    this.#loop.wake();
  }

  /** Resolves when no look is in progress (tests and shutdown wait on it). */
  idle(): Promise<void> {
    return this.#loop.idle();
  }

  /** Cancels the timer and waits for a look in progress to finish. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #runDue(now: Date, stopped: () => boolean): Promise<void> {
    for (const schedule of await this.#schedules.listDue(now.toISOString())) {
      if (stopped()) break;
      // The time now, not the look's: after a slow run, the next cron time of a later schedule must
      // not already be past (it would run again at once).
      const claimedAt = new Date(Math.max(now.getTime(), this.#clock.now().getTime()));
      if (await this.#claim(schedule, claimedAt)) {
        try {
          await this.#run(schedule);
        } catch (error) {
          this.#onError(error, schedule.id);
        }
      }
    }
  }

  /** Moves a due schedule to its next cron time; false when another server already has. */
  async #claim(schedule: Row, now: Date): Promise<boolean> {
    const dueAt = schedule.next_run_at;
    if (dueAt === null) return false;
    let next: string | null = null;
    try {
      next = parseCronSchedule(schedule.cron, schedule.cron_timezone).nextAfter(now)?.toISOString() ?? null;
    } catch (error) {
      // Validated when saved; a time zone this Node no longer knows stops the schedule rather than looping.
      this.#onError(error, schedule.id);
    }
    return this.#schedules.advance(schedule.id, dueAt, next);
  }
}
