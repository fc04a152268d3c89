import { GantryError } from '../domain/errors.ts';
import { shouldRetry } from '../domain/retry-policy.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { FailureReason, JobResult } from '../runner/job-spec.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import { parseDefinition } from './job-definition.ts';
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
  ): Promise<JobRow> {
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
        status,
        when: job.when,
        allow_failure: parseDefinition(job.definition).allowFailure ? 1 : 0,
        definition: job.definition,
        tags: job.tags,
        attempt: job.attempt + 1,
        user_id: userId,
      },
    ]);
    if (status === 'pending') await this.#deps.jobs.update(next!.id, { queued_at: new Date().toISOString() });
    this.#deps.bus.publish('job', {
      id: next!.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status,
    });
    return next!;
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

export interface JobCompletionDeps {
  jobs: JobRepository;
  logs: JobLogStore;
  processor: PipelineProcessor;
  secrets: SecretBox;
  bus: EventBus;
}
