import type { EventBus } from '../events/event-bus.ts';
import type { ArtifactRepository } from '../store/repositories/artifact-repository.ts';
import type { JobRepository } from '../store/repositories/job-repository.ts';
import type { ArtifactStore } from './artifact-store.ts';
import type { JobCompletion } from './job-completion.ts';
import { parseDefinition, queuedStatus } from './job-definition.ts';
import type { PipelineProcessor } from './pipeline-processor.ts';

// setTimeout cannot wait longer than 2^31 − 1 ms; later timers re-arm.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The scheduler's clocks, all driven by times stored in the database so a restart loses nothing:
 * expired job leases (the runner is gone), delayed jobs whose time has come, expired artifacts.
 */
export class CiTimers {
  readonly #deps: CiTimersDeps;
  #leaseTimer: NodeJS.Timeout | undefined;
  #delayedTimer: NodeJS.Timeout | undefined;
  #artifactTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(deps: CiTimersDeps) {
    this.#deps = deps;
  }

  start(): void {
    const leaseCheckMs = Math.max(250, (this.#deps.leaseSeconds * 1000) / 4);
    this.#leaseTimer = setInterval(
      () => void this.reapExpiredLeases().catch(this.#deps.onError),
      leaseCheckMs,
    );
    this.#artifactTimer = setInterval(
      () => void this.removeExpiredArtifacts().catch(this.#deps.onError),
      this.#deps.artifactCleanupSeconds * 1000,
    );
    this.#leaseTimer.unref();
    this.#artifactTimer.unref();
    this.armDelayed();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#leaseTimer);
    clearInterval(this.#artifactTimer);
    clearTimeout(this.#delayedTimer);
  }

  /** Fails running jobs whose runner stopped renewing their lease. */
  async reapExpiredLeases(): Promise<void> {
    const expired = await this.#deps.jobs.listExpiredLeases(new Date().toISOString());
    for (const job of expired) {
      await this.#deps.completion.finish(
        job.id,
        null,
        { status: 'failed', exitCode: null, failureReason: 'runner_system_failure', dotenv: null },
        job.runner_id === null
          ? 'ERROR: the deployment did not finish within its timeout'
          : `ERROR: runner lost: no heartbeat from runner ${job.runner_id} for ${this.#deps.leaseSeconds} s`,
      );
    }
  }

  /** Re-arms the timer for the earliest delayed job; call whenever jobs were scheduled. */
  armDelayed(): void {
    if (this.#stopped) return;
    void this.#deps.jobs
      .nextScheduledAt()
      .then((next) => {
        clearTimeout(this.#delayedTimer);
        if (next === null || this.#stopped) return;
        const wait = Math.min(MAX_TIMEOUT_MS, Math.max(0, Date.parse(next) - Date.now()));
        this.#delayedTimer = setTimeout(() => void this.startDueJobs().catch(this.#deps.onError), wait);
        this.#delayedTimer.unref();
      })
      .catch(this.#deps.onError);
  }

  /** Queues delayed jobs whose `scheduled_at` has passed. */
  async startDueJobs(): Promise<void> {
    try {
      await this.#startDueJobs();
    } finally {
      this.#deps.onQueued();
      this.armDelayed();
    }
  }

  async #startDueJobs(): Promise<void> {
    const due = await this.#deps.jobs.listDueScheduled(new Date().toISOString());
    const pipelines = new Set<number>();
    for (const job of due) {
      const status = queuedStatus(parseDefinition(job.definition));
      const queued = await this.#deps.jobs.transition(job.id, ['scheduled'], {
        status,
        queued_at: new Date().toISOString(),
      });
      if (!queued) continue;
      pipelines.add(job.pipeline_id);
      this.#deps.bus.publish('job', {
        id: job.id,
        pipelineId: job.pipeline_id,
        projectId: job.project_id,
        name: job.name,
        status,
      });
    }
    for (const id of pipelines) await this.#deps.processor.process(id);
  }

  /** Deletes artifact archives past their `expire_in`. */
  async removeExpiredArtifacts(): Promise<number> {
    const expired = await this.#deps.artifacts.listExpired(new Date().toISOString());
    for (const artifact of expired) {
      await this.#deps.artifactFiles.remove(artifact.file);
      await this.#deps.artifacts.delete(artifact.job_id);
    }
    return expired.length;
  }
}

export interface CiTimersDeps {
  jobs: JobRepository;
  artifacts: ArtifactRepository;
  artifactFiles: ArtifactStore;
  completion: JobCompletion;
  processor: PipelineProcessor;
  bus: EventBus;
  leaseSeconds: number;
  artifactCleanupSeconds: number;
  onQueued: () => void;
  onError: (error: unknown) => void;
}
