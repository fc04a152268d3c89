import { GantryError } from '../domain/errors.ts';
import { parseFullRef } from '../domain/full-ref.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { PipelineScheduleRow } from '../store/repositories/pipeline-schedule-repository.ts';
import { parseCronSchedule } from './cron-schedule.ts';
import type { ScheduleClock, ScheduleTimer } from './schedule-clock.ts';
import type { SchedulePipelineCreator } from './schedule-pipeline-creator.ts';
import { decryptScheduleVariables } from './schedule-variables.ts';

/** The queries the runner needs; `PipelineScheduleRepository` provides them. */
export interface DueScheduleStore {
  listDue(now: string): Promise<PipelineScheduleRow[]>;
  earliestNextRunAt(): Promise<string | null>;
  advance(id: number, from: string, to: string | null): Promise<boolean>;
}

/** The longest the runner sleeps before looking again, and how long it waits after a failed look. */
const DEFAULT_MAX_SLEEP_MS = 60 * 60 * 1000;
const DEFAULT_RETRY_MS = 60 * 1000;

/**
 * Runs pipeline schedules when they are due. It sleeps until the earliest `next_run_at` of any
 * active schedule (so it costs nothing between runs and starts on time), runs every schedule that
 * is due, moves each one's `next_run_at` to its first cron time after now, and sleeps again.
 * Schedule changes call `wake()` to re-arm the timer.
 *
 * `next_run_at` lives in the database, so nothing is lost across restarts: on start, a schedule
 * whose run was missed while the server was down runs once (not once per missed tick), as GitLab
 * does. A run is claimed by moving `next_run_at` before the pipeline is created, so two servers on
 * one database never both run it; a pipeline that then fails to be created is reported, not retried.
 */
export class PipelineScheduleRunner {
  readonly #store: DueScheduleStore;
  readonly #pipelines: SchedulePipelineCreator;
  readonly #secrets: SecretBox;
  readonly #clock: ScheduleClock;
  readonly #onError: (error: unknown, scheduleId: number | null) => void;
  readonly #maxSleepMs: number;
  readonly #retryMs: number;
  #timer: ScheduleTimer | undefined;
  #cycle: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(deps: {
    schedules: DueScheduleStore;
    pipelines: SchedulePipelineCreator;
    secrets: SecretBox;
    clock: ScheduleClock;
    /** Failures of one schedule's pipeline (with its id) or of the whole look (null); never thrown. */
    onError: (error: unknown, scheduleId: number | null) => void;
    maxSleepMs?: number;
    retryMs?: number;
  }) {
    this.#store = deps.schedules;
    this.#pipelines = deps.pipelines;
    this.#secrets = deps.secrets;
    this.#clock = deps.clock;
    this.#onError = deps.onError;
    this.#maxSleepMs = deps.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
    this.#retryMs = deps.retryMs ?? DEFAULT_RETRY_MS;
  }

  /** Runs what is due now (runs missed while stopped, once each) and arms the timer. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.wake();
    await this.idle();
  }

  /** Looks for due schedules now and re-arms the timer; call after any schedule change. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#cycle) {
      this.#again = true;
      return;
    }
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#cycle = this.#run().finally(() => {
      this.#cycle = undefined;
    });
  }

  /** Resolves when no look is in progress (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.#cycle) await this.#cycle;
  }

  /** Cancels the timer and waits for a look in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.idle();
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      let delay: number;
      try {
        delay = await this.#runDue();
      } catch (error) {
        this.#onError(error, null);
        delay = this.#retryMs;
      }
      if (!this.#again && !this.#stopped) this.#arm(delay);
    } while (this.#again && !this.#stopped);
  }

  /** Runs every due schedule; returns how long to sleep until the next one. */
  async #runDue(): Promise<number> {
    const now = this.#clock.now();
    for (const schedule of await this.#store.listDue(now.toISOString())) {
      if (this.#stopped) break;
      await this.#runOne(schedule, now);
    }
    const earliest = await this.#store.earliestNextRunAt();
    if (earliest === null) return this.#maxSleepMs;
    return Math.min(this.#maxSleepMs, Math.max(0, Date.parse(earliest) - this.#clock.now().getTime()));
  }

  async #runOne(schedule: PipelineScheduleRow, now: Date): Promise<void> {
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
      const ref = parseFullRef(schedule.ref);
      if (!ref) throw new GantryError('internal', `schedule ${schedule.id} has no branch or tag ref`);
      await this.#pipelines.createPipeline({
        projectId: schedule.project_id,
        ref: ref.name,
        refType: ref.refType,
        source: 'schedule',
        userId: schedule.owner_id,
        scheduleId: schedule.id,
        variables: decryptScheduleVariables(
          this.#secrets,
          schedule.project_id,
          schedule.id,
          schedule.variables_encrypted,
        ),
      });
    } catch (error) {
      this.#onError(error, schedule.id);
    }
  }

  #arm(delayMs: number): void {
    this.#timer?.cancel();
    this.#timer = this.#clock.setTimer(delayMs, () => {
      this.#timer = undefined;
      this.wake();
    });
  }
}
