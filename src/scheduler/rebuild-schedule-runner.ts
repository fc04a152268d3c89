import type { RebuildScheduleRow } from '../store/repositories/rebuild-schedule-repository.ts';
import { DueRunLoop } from './due-run-loop.ts';
import { type DueScheduleStore, runDueSchedules } from './due-schedules.ts';
import type { ScheduleClock } from './schedule-clock.ts';

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
  readonly #loop: DueRunLoop;

  constructor(deps: {
    /** `RebuildScheduleRepository`. */
    schedules: DueScheduleStore<RebuildScheduleRow>;
    rebuilds: ScheduledRebuilds;
    clock: ScheduleClock;
    /** Failures of one schedule (with its id) or of the whole look (null); never thrown. */
    onError: (error: unknown, scheduleId: number | null) => void;
    maxSleepMs?: number;
  }) {
    this.#loop = new DueRunLoop({
      runDue: (now, stopped) =>
        runDueSchedules({
          schedules: deps.schedules,
          now,
          stopped,
          run: (schedule) => deps.rebuilds.runSchedule(schedule),
          onError: deps.onError,
        }),
      earliest: () => deps.schedules.earliestNextRunAt(),
      clock: deps.clock,
      onError: (error) => deps.onError(error, null),
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
}
