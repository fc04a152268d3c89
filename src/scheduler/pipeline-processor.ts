import type { JobStatus } from '../domain/job-status.ts';
import { decideProgress, type ProgressJob } from '../domain/pipeline-progress.ts';
import { isPipelineFinished, type PipelineStatus, pipelineStatusOf } from '../domain/pipeline-status.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { PipelineRepository } from '../store/repositories/pipeline-repository.ts';
import { parseDefinition, queuedStatus } from './job-definition.ts';
import { KeyedMutex } from './keyed-mutex.ts';

/** The jobs that count for a pipeline: the latest attempt of each (retried attempts are history). */
export function latestAttempts(jobs: JobRow[]): JobRow[] {
  return jobs.filter((job) => job.retried === 0);
}

function progressJob(job: JobRow): ProgressJob {
  const definition = parseDefinition(job.definition);
  return {
    id: job.id,
    name: job.name,
    stageIndex: job.stage_index,
    status: job.status as JobStatus,
    when: definition.when,
    allowFailure: job.allow_failure === 1,
    needs: definition.needs?.map((need) => ({ job: need.job, optional: need.optional })) ?? null,
  };
}

/**
 * Moves a pipeline forward after anything happened to it: created jobs whose predecessors are done
 * become pending, manual, scheduled or skipped, and the pipeline's status follows its jobs. All
 * state is read from and written to the database, so processing again after a restart is safe.
 */
export class PipelineProcessor {
  readonly #jobs: JobRepository;
  readonly #pipelines: PipelineRepository;
  readonly #bus: EventBus;
  readonly #onQueued: () => void;
  readonly #onScheduled: () => void;
  readonly #mutex = new KeyedMutex<number>();

  constructor(deps: {
    jobs: JobRepository;
    pipelines: PipelineRepository;
    bus: EventBus;
    /** Called when jobs became pending: the dispatcher hands them to runners. */
    onQueued: () => void;
    /** Called when delayed jobs were scheduled: the timer re-arms. */
    onScheduled: () => void;
  }) {
    this.#jobs = deps.jobs;
    this.#pipelines = deps.pipelines;
    this.#bus = deps.bus;
    this.#onQueued = deps.onQueued;
    this.#onScheduled = deps.onScheduled;
  }

  process(pipelineId: number): Promise<PipelineStatus | undefined> {
    return this.#mutex.run(pipelineId, () => this.#process(pipelineId));
  }

  /** Waits for all processing under way (shutdown, tests). */
  idle(): Promise<void> {
    return this.#mutex.idle();
  }

  async #process(pipelineId: number): Promise<PipelineStatus | undefined> {
    const pipeline = await this.#pipelines.findById(pipelineId);
    if (!pipeline) return undefined;
    let queued = false;
    let scheduled = false;
    let jobs = latestAttempts(await this.#jobs.listForPipeline(pipelineId));
    // Each round can unblock the next (a skipped job lets later jobs decide); bounded by the job count.
    for (let round = 0; round <= jobs.length; round++) {
      const decisions = decideProgress(jobs.map(progressJob));
      if (decisions.length === 0) break;
      const now = new Date();
      for (const decision of decisions) {
        const job = jobs.find((j) => j.id === decision.id)!;
        const definition = parseDefinition(job.definition);
        const to = decision.to === 'pending' ? queuedStatus(definition) : decision.to;
        const changed = await this.#jobs.transition(job.id, ['created'], {
          status: to,
          ...(decision.to === 'pending' && { queued_at: now.toISOString() }),
          ...(decision.to === 'skipped' && { finished_at: now.toISOString() }),
          ...(decision.to === 'scheduled' && {
            scheduled_at: new Date(now.getTime() + (definition.startInSeconds ?? 0) * 1000).toISOString(),
          }),
        });
        if (!changed) continue;
        queued ||= decision.to === 'pending';
        scheduled ||= decision.to === 'scheduled';
        this.#bus.publish('job', {
          id: job.id,
          pipelineId,
          projectId: job.project_id,
          name: job.name,
          status: to,
        });
      }
      jobs = latestAttempts(await this.#jobs.listForPipeline(pipelineId));
    }
    const status =
      pipeline.yaml_errors !== null
        ? 'failed'
        : pipelineStatusOf(
            jobs.map((job) => ({ status: job.status as JobStatus, allowFailure: job.allow_failure === 1 })),
          );
    if (status !== pipeline.status) {
      const now = new Date().toISOString();
      const started =
        status === 'running' || (isPipelineFinished(status) && jobs.some((j) => j.started_at !== null));
      await this.#pipelines.update(pipelineId, {
        status,
        ...(started && pipeline.started_at === null && { started_at: firstStart(jobs) ?? now }),
        finished_at: isPipelineFinished(status) ? now : null,
      });
      this.#bus.publish('pipeline', { id: pipelineId, projectId: pipeline.project_id, status });
    }
    if (queued) this.#onQueued();
    if (scheduled) this.#onScheduled();
    return status;
  }
}

function firstStart(jobs: JobRow[]): string | undefined {
  return jobs
    .map((job) => job.started_at)
    .filter((at): at is string => at !== null)
    .sort()[0];
}
