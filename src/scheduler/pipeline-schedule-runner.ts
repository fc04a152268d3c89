import { GantryError } from '../domain/errors.ts';
import { parseFullRef } from '../domain/full-ref.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { PipelineScheduleRow } from '../store/repositories/pipeline-schedule-repository.ts';
import { DueRunLoop } from './due-run-loop.ts';
import { type DueScheduleStore, runDueSchedules } from './due-schedules.ts';
import type { ScheduleClock } from './schedule-clock.ts';
import type { SchedulePipelineCreator } from './schedule-pipeline-creator.ts';
import { decryptScheduleVariables } from './schedule-variables.ts';

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
  readonly #pipelines: SchedulePipelineCreator;
  readonly #secrets: SecretBox;
  readonly #loop: DueRunLoop;

  constructor(deps: {
    /** `PipelineScheduleRepository`. */
    schedules: DueScheduleStore<PipelineScheduleRow>;
    pipelines: SchedulePipelineCreator;
    secrets: SecretBox;
    clock: ScheduleClock;
    /** Failures of one schedule's pipeline (with its id) or of the whole look (null); never thrown. */
    onError: (error: unknown, scheduleId: number | null) => void;
    maxSleepMs?: number;
    retryMs?: number;
  }) {
    this.#pipelines = deps.pipelines;
    this.#secrets = deps.secrets;
    this.#loop = new DueRunLoop({
      runDue: (now, stopped) =>
        runDueSchedules({
          schedules: deps.schedules,
          now,
          stopped,
          run: (schedule) => this.#createPipeline(schedule),
          onError: deps.onError,
        }),
      earliest: () => deps.schedules.earliestNextRunAt(),
      clock: deps.clock,
      onError: (error) => deps.onError(error, null),
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

  async #createPipeline(schedule: PipelineScheduleRow): Promise<void> {
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
  }
}
