import type { RebuildScheduleRow } from '../store/repositories/rebuild-schedule-repository.ts';
import { parseCronSchedule } from './cron-schedule.ts';
import { DueRunLoop } from './due-run-loop.ts';
import type { ScheduleClock } from './schedule-clock.ts';

/** The queries the runner needs; `RebuildScheduleRepository` provides them. */
export interface DueRebuildStore {
  listDue(now: string): Promise<RebuildScheduleRow[]>;
  earliestNextRunAt(): Promise<string | null>;
  advance(id: number, from: string, to: string | null): Promise<boolean>;
}

/**
 * Runs one rebuild schedule as its owner and records the outcome on the schedule (the rebuild
 * schedule service). Throws only for what it could not record (it is then logged).
 */
export interface ScheduledRebuilds {
  runSchedule(schedule: RebuildScheduleRow): Promise<void>;
}

/**
 * Starts rebuild schedules when they are due. Like pipeline schedules: it sleeps until the earliest
 * `next_run_at`, claims each due schedule by moving its `next_run_at` to the first cron time after
 * now (so two servers never both run it, and a run missed while the server was down happens once),
 * then runs it. Schedule changes call `wake()`.
 */
export class RebuildScheduleRunner {
  readonly #store: DueRebuildStore;
  readonly #rebuilds: ScheduledRebuilds;
  readonly #onError: (error: unknown, scheduleId: number | null) => void;
  readonly #loop: DueRunLoop;

  constructor(deps: {
    schedules: DueRebuildStore;
    rebuilds: ScheduledRebuilds;
    clock: ScheduleClock;
    /** Failures of one schedule (with its id) or of the whole look (null); never thrown. */
    onError: (error: unknown, scheduleId: number | null) => void;
    maxSleepMs?: number;
  }) {
    this.#store = deps.schedules;
    this.#rebuilds = deps.rebuilds;
    this.#onError = deps.onError;
    this.#loop = new DueRunLoop({
      runDue: (now, stopped) => this.#runDue(now, stopped),
      earliest: () => this.#store.earliestNextRunAt(),
      clock: deps.clock,
      onError: (error) => this.#onError(error, null),
      ...(deps.maxSleepMs !== undefined && { maxSleepMs: deps.maxSleepMs }),
    });
  }

  /** Runs what is due now and arms the timer. */
  start(): Promise<void> {
    return this.#loop.start();
  }

  /** Looks for due schedules now; call after any schedule change. */
  wake(): void {
    this.#loop.wake();
  }

  /** Resolves when no look is in progress (tests, shutdown). */
  idle(): Promise<void> {
    return this.#loop.idle();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #runDue(now: Date, stopped: () => boolean): Promise<void> {
    for (const schedule of await this.#store.listDue(now.toISOString())) {
      if (stopped()) break;
      await this.#runOne(schedule, now);
    }
  }

  async #runOne(schedule: RebuildScheduleRow, now: Date): Promise<void> {
    const dueAt = schedule.next_run_at;
    if (dueAt === null) return;
    let next: string | null = null;
    try {
      next = parseCronSchedule(schedule.cron, schedule.cron_timezone).nextAfter(now)?.toISOString() ?? null;
    } catch (error) {
      // Validated when saved; a time zone this Node no longer knows stops the schedule rather than looping.
      this.#onError(error, schedule.id);
    }
    if (!(await this.#store.advance(schedule.id, dueAt, next))) return;
    try {
      await this.#rebuilds.runSchedule(schedule);
    } catch (error) {
      this.#onError(error, schedule.id);
    }
  }
}
