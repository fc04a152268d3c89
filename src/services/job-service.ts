import type { Readable } from 'node:stream';
import { hashToken } from '../auth/access-token.ts';
import type { Actor } from '../domain/actor.ts';
import { forbidden, GantryError, notFound } from '../domain/errors.ts';
import type { JobStatus } from '../domain/job-status.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { ArtifactStore } from '../scheduler/artifact-store.ts';
import type { JobCompletion } from '../scheduler/job-completion.ts';
import { parseDefinition } from '../scheduler/job-definition.ts';
import type { JobLogStore } from '../scheduler/job-log-store.ts';
import { latestAttempts, type PipelineProcessor } from '../scheduler/pipeline-processor.ts';
import type { ArtifactRepository, ArtifactRow } from '../store/repositories/artifact-repository.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { PipelineRepository, PipelineRow } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { PipelineService } from './pipeline-service.ts';
import type { ProjectAccess } from './project-access.ts';

/** GitLab's default `expire_in` for artifacts: 30 days. */
const DEFAULT_ARTIFACT_SECONDS = 30 * 24 * 3600;

/**
 * Jobs: listing, play / retry / cancel, logs and artifacts for people; and the job-token side used
 * by runners (artifact upload, dependency download, repository fetch).
 */
export class JobService {
  readonly #deps: JobServiceDeps;

  constructor(deps: JobServiceDeps) {
    this.#deps = deps;
  }

  async list(
    actor: Actor,
    projectRef: string,
    scope: JobStatus[] | undefined,
    page: PageRequest,
  ): Promise<Page<JobRow>> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    const [items, total] = await Promise.all([
      this.#deps.jobs.listForProject(project.id, scope, page),
      this.#deps.jobs.countForProject(project.id, scope),
    ]);
    return { items, total, request: page };
  }

  async get(actor: Actor, projectRef: string, jobId: number): Promise<{ job: JobRow; project: ProjectRow }> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    return { job: await this.#jobOf(project.id, jobId), project };
  }

  /** Starts a manual job, or a delayed one now. */
  async play(actor: Actor, projectRef: string, jobId: number): Promise<JobRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const job = await this.#jobOf(project.id, jobId);
    if (job.status !== 'manual' && job.status !== 'scheduled') {
      throw new GantryError(
        'bad_request',
        `job ${job.name} is ${job.status}; only manual or delayed jobs can be played`,
      );
    }
    await this.#deps.beforeDeploy?.(actor, job);
    const played = await this.#deps.completion.play(job, actor.userId);
    if (!played) throw new GantryError('conflict', `job ${job.name} changed meanwhile; reload and try again`);
    this.#deps.onQueued();
    return played;
  }

  /** Runs a finished job again; jobs skipped because of it get to run again too. */
  async retry(actor: Actor, projectRef: string, jobId: number): Promise<JobRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const job = await this.#jobOf(project.id, jobId);
    if (job.retried === 1)
      throw new GantryError('bad_request', `job ${jobId} was already retried; retry its latest attempt`);
    if (!['success', 'failed', 'canceled'].includes(job.status)) {
      throw new GantryError(
        'bad_request',
        `job ${job.name} is ${job.status}; only finished jobs can be retried`,
      );
    }
    await this.#deps.beforeDeploy?.(actor, job);
    const next = await this.#deps.completion.retry(job, actor.userId, 'pending');
    for (const later of latestAttempts(await this.#deps.jobs.listForPipeline(job.pipeline_id))) {
      if (later.status !== 'skipped') continue;
      const needs = parseDefinition(later.definition).needs;
      const waitsForJob =
        needs === null ? later.stage_index > job.stage_index : needs.some((n) => n.job === job.name);
      if (waitsForJob) await this.#deps.completion.retry(later, actor.userId, 'created');
    }
    await this.#deps.processor.process(job.pipeline_id);
    this.#deps.onQueued();
    return next;
  }

  async cancel(actor: Actor, projectRef: string, jobId: number): Promise<JobRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const job = await this.#jobOf(project.id, jobId);
    if (!(await this.#deps.pipelines.cancelJob(job))) {
      throw new GantryError('bad_request', `job ${job.name} is ${job.status} and cannot be canceled`);
    }
    await this.#deps.processor.process(job.pipeline_id);
    return (await this.#deps.jobs.findById(job.id)) ?? job;
  }

  /** The job's log bytes from `start` (a `Range`), with the total size. */
  async trace(
    actor: Actor,
    projectRef: string,
    jobId: number,
    start = 0,
  ): Promise<{ job: JobRow; size: number; body: Readable | null }> {
    const { job } = await this.get(actor, projectRef, jobId);
    const size = await this.#deps.logs.size(job.id);
    return { job, size, body: await this.#deps.logs.read(job.id, start) };
  }

  /** A job's artifact archive for people (reporters and above). */
  async artifacts(
    actor: Actor,
    projectRef: string,
    jobId: number,
  ): Promise<{ artifact: ArtifactRow; body: Readable }> {
    const { job } = await this.get(actor, projectRef, jobId);
    return this.#openArtifacts(job.id);
  }

  /** Jobs with their pipeline and artifact rows, as views need them. */
  async withContext(
    jobs: JobRow[],
  ): Promise<Array<{ job: JobRow; pipeline: PipelineRow; artifact: ArtifactRow | undefined }>> {
    const pipelines = new Map<number, PipelineRow>();
    const result = [];
    for (const job of jobs) {
      let pipeline = pipelines.get(job.pipeline_id);
      if (!pipeline) {
        pipeline = await this.#deps.pipelineRows.findById(job.pipeline_id);
        if (!pipeline) continue;
        pipelines.set(pipeline.id, pipeline);
      }
      result.push({ job, pipeline, artifact: await this.#deps.artifacts.find(job.id) });
    }
    return result;
  }

  // ── Job tokens (runners) ────────────────────────────────────────────────────────────────────

  /** The running job a job token belongs to; tokens stop working when their job ends. */
  async authenticateJobToken(token: string | undefined): Promise<JobRow> {
    if (!token) throw new GantryError('unauthorized', 'a JOB-TOKEN header is required');
    const job = await this.#deps.jobs.findByTokenHash(hashToken(token));
    if (job?.status !== 'running')
      throw new GantryError('unauthorized', 'job token is invalid or its job has ended');
    return job;
  }

  /** Stores the artifacts a running job uploads (its own only). */
  async uploadArtifacts(jobId: number, token: string | undefined, body: Readable): Promise<ArtifactRow> {
    const job = await this.authenticateJobToken(token);
    if (job.id !== jobId) throw forbidden('a job token may only upload its own job’s artifacts');
    const saved = await this.#deps.artifactFiles.save(job.id, body);
    const expireIn = parseDefinition(job.definition).artifacts?.expireInSeconds;
    const row = {
      job_id: job.id,
      ...saved,
      expire_at:
        expireIn === null
          ? null
          : new Date(Date.now() + (expireIn ?? DEFAULT_ARTIFACT_SECONDS) * 1000).toISOString(),
    };
    await this.#deps.artifacts.upsert(row);
    return { ...row, created_at: new Date().toISOString() };
  }

  /** Artifacts of another job of the same pipeline, for a running job that depends on them. */
  async dependencyArtifacts(
    jobId: number,
    token: string | undefined,
  ): Promise<{ artifact: ArtifactRow; body: Readable }> {
    const requester = await this.authenticateJobToken(token);
    const source = await this.#deps.jobs.findById(jobId);
    if (!source || source.pipeline_id !== requester.pipeline_id) throw notFound('job');
    return this.#openArtifacts(source.id);
  }

  async #openArtifacts(jobId: number): Promise<{ artifact: ArtifactRow; body: Readable }> {
    const artifact = await this.#deps.artifacts.find(jobId);
    if (!artifact) throw notFound('artifacts (none uploaded, or expired)');
    return { artifact, body: this.#deps.artifactFiles.open(artifact.file) };
  }

  async #jobOf(projectId: number, jobId: number): Promise<JobRow> {
    const job = await this.#deps.jobs.findById(jobId);
    if (!job || job.project_id !== projectId) throw notFound('job');
    return job;
  }
}

export interface JobServiceDeps {
  jobs: JobRepository;
  pipelineRows: PipelineRepository;
  artifacts: ArtifactRepository;
  artifactFiles: ArtifactStore;
  logs: JobLogStore;
  access: ProjectAccess;
  pipelines: PipelineService;
  completion: JobCompletion;
  processor: PipelineProcessor;
  onQueued: () => void;
  /** Refuses to play or retry a deployment job the actor may not run now (protected environments). */
  beforeDeploy?: (actor: Actor, job: JobRow) => Promise<void>;
}
