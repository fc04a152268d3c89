import { GantryError } from '../domain/errors.ts';
import type { JobStatus } from '../domain/job-status.ts';
import { shouldRetry } from '../domain/retry-policy.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { FailureReason, JobResult } from '../runner/job-spec.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { DeploymentExtras } from './deployment-recorder.ts';
import { parseDefinition, queuedStatus } from './job-definition.ts';
import type { JobLogStore } from './job-log-store.ts';
import { dotenvContext } from './job-spec-builder.ts';
import type { PipelineProcessor } from './pipeline-processor.ts';

/**
 * Ends a running job: records its result, closes its log, invalidates its token, creates the next
 * attempt when `retry:` says so, and moves the pipeline on. Guarded: a result for a job that is
 * no longer running (canceled meanwhile, or already ended) changes nothing but its log.
 */
export class JobCompletion {
  readonly #deps: JobCompletionDeps;

  constructor(deps: JobCompletionDeps) {
    this.#deps = deps;
  }

  /**
   * @param runnerId the runner reporting, or null when the server itself ends the job (lease expiry).
   * @param note a line appended to the log first (why the server ended the job).
   */
  async finish(
    jobId: number,
    runnerId: number | null,
    result: JobResult,
    note?: string,
  ): Promise<JobRow | undefined> {
    const job = await this.#deps.jobs.findById(jobId);
    if (!job) {
      await this.#deps.logs.close(jobId);
      return undefined;
    }
    if (note !== undefined) {
      await this.#deps.logs.open(jobId, []);
      await this.#deps.logs.append(jobId, Buffer.from(`\r\n\x1b[31;1m${note}\x1b[0m\r\n`));
    }
    const logSize = await this.#deps.logs.close(jobId);
    if (job.status !== 'running' || (runnerId !== null && job.runner_id !== runnerId)) {
      await this.#deps.jobs.update(jobId, { log_size: logSize });
      return undefined;
    }
    const definition = parseDefinition(job.definition);
    const allowedExit =
      result.status === 'failed' &&
      result.exitCode !== null &&
      definition.allowFailureExitCodes.includes(result.exitCode);
    const finished = await this.#deps.jobs.transition(jobId, ['running'], {
      status: result.status,
      exit_code: result.exitCode,
      failure_reason: result.status === 'failed' ? (result.failureReason ?? 'unknown_failure') : null,
      finished_at: new Date().toISOString(),
      token_hash: null,
      lease_expires_at: null,
      log_size: logSize,
      ...(allowedExit && { allow_failure: 1 }),
      ...(result.dotenv !== null && {
        dotenv_encrypted: this.#deps.secrets.encrypt(JSON.stringify(result.dotenv), dotenvContext(jobId)),
      }),
    });
    if (!finished) return undefined;
    this.#deps.bus.publish('job', {
      id: jobId,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status: result.status,
    });
    if (
      result.status === 'failed' &&
      !allowedExit &&
      shouldRetry(definition.retry, job.attempt, result.failureReason)
    ) {
      await this.retry(finished);
    }
    await this.#deps.processor.process(job.pipeline_id);
    return finished;
  }

  /**
   * Runs a finished job again as a new job (the old one is kept, marked retried): `pending` to run
   * at once, or `created` to let the pipeline's rules decide when (a pipeline retry).
   */
  async retry(
    job: JobRow,
    userId: number | null = job.user_id,
    status: 'pending' | 'created' = 'pending',
    extras: DeploymentExtras = {},
  ): Promise<JobRow> {
    const definition = parseDefinition(job.definition);
    const initial = status === 'pending' ? queuedStatus(definition) : status;
    // Guarded: a double click, or a manual retry racing the automatic one, must not run the job twice.
    if (!(await this.#deps.jobs.markRetried(job.id))) {
      throw new GantryError('conflict', `job ${job.name} (${job.id}) has already been retried`);
    }
    const [next] = await this.#deps.jobs.insertMany([
      {
        pipeline_id: job.pipeline_id,
        project_id: job.project_id,
        name: job.name,
        stage: job.stage,
        stage_index: job.stage_index,
        status: initial,
        when: job.when,
        allow_failure: definition.allowFailure ? 1 : 0,
        definition: job.definition,
        tags: job.tags,
        attempt: job.attempt + 1,
        user_id: userId,
      },
    ]);
    if (status === 'pending') await this.#deps.jobs.update(next!.id, { queued_at: new Date().toISOString() });
    await this.#deps.onJobsCreated?.([next!], extras);
    this.#deps.bus.publish('job', {
      id: next!.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status: initial,
    });
    return next!;
  }

  /**
   * Starts a manual job, or a delayed one now, for `userId`: it is queued (or waits for the
   * deployment gate). Undefined when the job is no longer manual or delayed.
   */
  async play(job: JobRow, userId: number | null): Promise<JobRow | undefined> {
    const status = queuedStatus(parseDefinition(job.definition));
    const played = await this.#deps.jobs.transition(job.id, ['manual', 'scheduled'], {
      status,
      queued_at: new Date().toISOString(),
      user_id: userId,
    });
    if (!played) return undefined;
    this.#deps.bus.publish('job', {
      id: job.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status,
    });
    await this.#deps.processor.process(job.pipeline_id);
    return played;
  }

  /**
   * Fails a job before it ran (the deployment gate refused it, its environment name is invalid):
   * the reason goes into its log, so the job page says why. Guarded by `from`.
   */
  async refuse(
    job: JobRow,
    from: JobStatus[],
    failureReason: ServerFailureReason,
    message: string,
  ): Promise<boolean> {
    const failed = await this.#deps.jobs.transition(job.id, from, {
      status: 'failed',
      failure_reason: failureReason,
      finished_at: new Date().toISOString(),
      token_hash: null,
      lease_expires_at: null,
    });
    if (!failed) return false;
    await this.#deps.logs.open(job.id, []);
    await this.#deps.logs.append(job.id, Buffer.from(`\x1b[31;1mERROR: ${message}\x1b[0m\r\n`));
    const logSize = await this.#deps.logs.close(job.id);
    await this.#deps.jobs.update(job.id, { log_size: logSize });
    this.#deps.bus.publish('job', {
      id: job.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status: 'failed',
    });
    await this.#deps.processor.process(job.pipeline_id);
    return true;
  }

  /** Fails a job the server could not hand to a runner (its spec could not be built). */
  async failClaim(job: JobRow, error: unknown): Promise<void> {
    const reason: FailureReason = 'runner_system_failure';
    await this.finish(
      job.id,
      null,
      { status: 'failed', exitCode: null, failureReason: reason, dotenv: null },
      `ERROR: Job could not be prepared: ${(error as Error).message ?? String(error)}`,
    );
  }
}

/** Why the server failed a job before it ran (GitLab's names where GitLab has one). */
export type ServerFailureReason =
  | 'environment_creation_failure'
  | 'protected_environment_failure'
  | 'deployment_rejected'
  | 'failed_outdated_deployment_job'
  | 'deployment_frozen';

export interface JobCompletionDeps {
  jobs: JobRepository;
  logs: JobLogStore;
  processor: PipelineProcessor;
  secrets: SecretBox;
  bus: EventBus;
  /** New attempts were created (their deployments are recorded before anyone sees them). */
  onJobsCreated?: (jobs: JobRow[], extras: DeploymentExtras) => Promise<void>;
}
