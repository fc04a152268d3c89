import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.ts';
import { GantryError, notFound } from '../domain/errors.ts';
import { statusesLeadingTo } from '../domain/job-status.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import { predefinedVariables } from '../domain/predefined-variables.ts';
import { parseRebuildEnvironments, serializeRebuildEnvironments } from '../domain/rebuild-plan.ts';
import type { EventBus, PushEvent } from '../events/event-bus.ts';
import { CommitReader } from '../git/commit-reader.ts';
import {
  lintPipeline,
  loadPipeline,
  type PipelineError,
  planPipeline,
  repositoryFactsNeeded,
} from '../pipeline/index.ts';
import type { DeploymentExtras } from '../scheduler/deployment-recorder.ts';
import type { JobCompletion } from '../scheduler/job-completion.ts';
import type { JobDefinition } from '../scheduler/job-definition.ts';
import type { JobDispatcher } from '../scheduler/job-dispatcher.ts';
import type { JobLogStore } from '../scheduler/job-log-store.ts';
import type { CiVariableSource, PipelineVariable } from '../scheduler/job-spec-builder.ts';
import { pipelineVariablesContext } from '../scheduler/job-spec-builder.ts';
import { latestAttempts, type PipelineProcessor } from '../scheduler/pipeline-processor.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { InternalIdRepository } from '../store/repositories/internal-id-repository.ts';
import { JobRepository, type JobRow } from '../store/repositories/job-repository.ts';
import {
  type PipelineFilter,
  PipelineRepository,
  type PipelineRow,
} from '../store/repositories/pipeline-repository.ts';
import type { ProjectRepository, ProjectRow } from '../store/repositories/project-repository.ts';
import type { Database } from '../store/schema.ts';
import type { ProjectAccess } from './project-access.ts';
import type { RepositoryStorage } from './repository-storage.ts';

/** The files Gantry reads a pipeline from, in order of preference. */
export const PIPELINE_FILES = ['.gantry.yml', '.gitlab-ci.yml'] as const;

export type PipelineSource = 'push' | 'web' | 'api' | 'schedule' | 'trigger' | 'pipeline' | 'rebuild';

export interface CreatePipelineInput {
  projectId: number;
  ref: string;
  /** The commit; resolved from `ref` when absent. */
  sha?: string;
  before?: string;
  refType?: 'branch' | 'tag';
  source: PipelineSource;
  userId: number | null;
  variables?: PipelineVariable[];
  scheduleId?: number | null;
  rebuildOf?: number | null;
  /** A rebuild of what is deployed: the environments it deploys to (docs/rebuilds.md). */
  rebuildEnvironments?: readonly string[] | null;
}

const ZERO = '0'.repeat(40);

/** What every new pipeline row is made of, whether it runs or failed to compile. */
interface PipelineBase {
  project: ProjectRow;
  sha: string;
  before: string;
  ref: string;
  tag: boolean;
  input: CreatePipelineInput;
  variables: PipelineVariable[];
}

/**
 * Pipelines: created from pushes, the API, schedules and rebuilds by compiling the pipeline file at
 * the commit; listed, canceled, retried. A file with errors makes a failed pipeline that shows them
 * and runs nothing; workflow rules that exclude the commit make no pipeline at all.
 */
export class PipelineService {
  readonly #deps: PipelineServiceDeps;

  constructor(deps: PipelineServiceDeps) {
    this.#deps = deps;
  }

  /** Starts a pipeline for each pushed ref (deletions start none). */
  async onPush(event: PushEvent): Promise<PipelineRow | null> {
    if (event.after === ZERO) return null;
    const tag = event.ref.startsWith('refs/tags/');
    const branch = event.ref.startsWith('refs/heads/');
    if (!tag && !branch) return null;
    return this.createPipeline({
      projectId: event.projectId,
      ref: event.ref.replace(/^refs\/(heads|tags)\//, ''),
      refType: tag ? 'tag' : 'branch',
      sha: event.after,
      before: event.before,
      source: 'push',
      userId: event.userId,
    });
  }

  /**
   * Compiles the pipeline file and stores the pipeline with its jobs in one transaction, then lets
   * the processor start what can start. Returns null when there is no pipeline file or the
   * workflow rules exclude this commit.
   */
  async createPipeline(input: CreatePipelineInput): Promise<PipelineRow | null> {
    const project = await this.#deps.projects.findById(input.projectId);
    if (!project) throw notFound('project');
    const reader = new CommitReader(this.#deps.storage.pathOf(project.id));
    let sha = input.sha;
    let refType = input.refType;
    if (sha === undefined || refType === undefined) {
      const resolved = await reader.resolve(input.ref);
      if (!resolved)
        throw new GantryError('bad_request', `reference ${input.ref} does not exist in ${project.path}`);
      sha ??= resolved.sha;
      refType ??= resolved.refType;
    }
    const main = await this.#pipelineFile(reader, sha);
    if (main === undefined) return null;
    const before = input.before ?? ZERO;
    const variables = input.variables ?? [];

    const loaded = await loadPipeline(main.file, (path) =>
      path === main.file ? Promise.resolve(main.content) : reader.readFile(sha, path),
    );
    const base = { project, sha, before, ref: input.ref, tag: refType === 'tag', input, variables };
    if (!loaded.ok) return this.#insertFailed(base, loaded.errors);
    const context = await this.#planVariables(project, input, sha, before, refType);
    const needed = repositoryFactsNeeded(loaded.definition);
    const plan = planPipeline(loaded.definition, {
      variables: context,
      ref: input.ref,
      refType,
      source: input.source,
      changedFiles: needed.changes ? await reader.changedFiles(before, sha) : null,
      files: needed.files ? await reader.listFiles(sha) : [],
    });
    if (plan.planErrors.length > 0) return this.#insertFailed(base, plan.planErrors);
    if (!plan.created) return null;

    return this.#insertWithJobs(
      base,
      plan.name ?? null,
      plan.jobs.map((job) => ({ ...job, variables: { ...plan.variables, ...job.variables } })),
      {},
    );
  }

  /**
   * A pipeline of one job that re-applies a deployment snapshot (rollback, re-deploy): the job as
   * it was planned then, at the commit it deployed — the pipeline file is not read again.
   */
  async createForSnapshot(
    input: { projectId: number; sha: string; ref: string; tag: boolean; userId: number | null },
    job: JobDefinition,
    extras: DeploymentExtras,
  ): Promise<PipelineRow> {
    const project = await this.#deps.projects.findById(input.projectId);
    if (!project) throw notFound('project');
    const base: PipelineBase = {
      project,
      sha: input.sha,
      before: ZERO,
      ref: input.ref,
      tag: input.tag,
      input: { projectId: project.id, ref: input.ref, source: 'web', userId: input.userId },
      variables: [],
    };
    // Nothing earlier in this pipeline: no needs, no artifacts to fetch; it runs when created.
    const single: JobDefinition = {
      ...job,
      stageIndex: 0,
      when: 'on_success',
      startInSeconds: null,
      needs: [],
      dependencies: [],
    };
    return this.#insertWithJobs(base, null, [single], extras);
  }

  async #insertWithJobs(
    base: PipelineBase,
    name: string | null,
    jobs: JobDefinition[],
    extras: DeploymentExtras,
  ): Promise<PipelineRow> {
    const { pipeline, rows } = await this.#deps.db.transaction().execute(async (trx) => {
      const row = await this.#insertPipeline(trx, base, 'created', null, name);
      const inserted = await new JobRepository(trx).insertMany(
        jobs.map((job) => ({
          pipeline_id: row.id,
          project_id: base.project.id,
          name: job.name,
          stage: job.stage,
          stage_index: job.stageIndex,
          status: 'created',
          when: job.when,
          allow_failure: job.allowFailure ? 1 : 0,
          definition: JSON.stringify(job),
          tags: JSON.stringify(job.tags),
          user_id: base.input.userId,
        })),
      );
      return { pipeline: row, rows: inserted };
    });
    await this.#deps.onJobsCreated?.(rows, extras);
    await this.#deps.processor.process(pipeline.id);
    return (await this.#deps.pipelines.findById(pipeline.id)) ?? pipeline;
  }

  /** The pipeline file at the commit and its text (read once: compiling it reads it from here). */
  async #pipelineFile(
    reader: CommitReader,
    sha: string,
  ): Promise<{ file: string; content: string } | undefined> {
    for (const file of PIPELINE_FILES) {
      const content = await reader.readFile(sha, file);
      if (content !== undefined) return { file, content };
    }
    return undefined;
  }

  /** Variables rules can see: predefined pipeline variables, CI/CD variables, pipeline variables. */
  async #planVariables(
    project: ProjectRow,
    input: CreatePipelineInput,
    sha: string,
    before: string,
    refType: 'branch' | 'tag',
  ): Promise<Record<string, string>> {
    const variables = predefinedVariables({
      serverUrl: this.#deps.externalUrl,
      project,
      pipeline: {
        id: 0,
        iid: 0,
        source: input.source,
        sha,
        beforeSha: before,
        ref: input.ref,
        tag: refType === 'tag',
      },
    });
    // The pipeline's own id is not known while planning.
    delete variables.CI_PIPELINE_ID;
    delete variables.CI_PIPELINE_IID;
    delete variables.CI_PIPELINE_URL;
    const ci = await this.#deps.ciVariables.resolve({
      projectId: project.id,
      ref: input.ref,
      refType,
      environmentName: null,
    });
    for (const variable of ci) variables[variable.key] = variable.value;
    for (const variable of input.variables ?? []) variables[variable.key] = variable.value;
    return variables;
  }

  async #insertPipeline(
    db: Kysely<Database>,
    base: PipelineBase,
    status: string,
    errors: PipelineError[] | null,
    name: string | null,
  ): Promise<PipelineRow> {
    const iid = await new InternalIdRepository(db).next(base.project.id, 'pipelines');
    const pipelines = new PipelineRepository(db);
    const row = await pipelines.insert({
      project_id: base.project.id,
      iid,
      sha: base.sha,
      before_sha: base.before,
      ref: base.ref,
      tag: base.tag ? 1 : 0,
      source: base.input.source,
      status,
      name,
      user_id: base.input.userId,
      schedule_id: base.input.scheduleId ?? null,
      rebuild_of: base.input.rebuildOf ?? null,
      rebuild_environments:
        base.input.rebuildEnvironments == null
          ? null
          : serializeRebuildEnvironments(base.input.rebuildEnvironments),
      yaml_errors: errors === null ? null : JSON.stringify(errors),
      variables_encrypted: null,
    });
    if (base.variables.length === 0) return row;
    return (
      (await pipelines.update(row.id, {
        variables_encrypted: this.#deps.secrets.encrypt(
          JSON.stringify(base.variables),
          pipelineVariablesContext(row.id),
        ),
      })) ?? row
    );
  }

  async #insertFailed(base: PipelineBase, errors: PipelineError[]): Promise<PipelineRow> {
    const row = await this.#deps.db
      .transaction()
      .execute((trx) => this.#insertPipeline(trx, base, 'failed', errors, null));
    const now = new Date().toISOString();
    const finished = await this.#deps.pipelines.update(row.id, { finished_at: now });
    this.#deps.bus.publish('pipeline', { id: row.id, projectId: row.project_id, status: 'failed' });
    return finished ?? row;
  }

  // ── API ──────────────────────────────────────────────────────────────────────────────────────

  /** `POST /projects/:id/pipeline`: developers start a pipeline for a ref, optionally with variables. */
  async create(
    actor: Actor,
    projectRef: string,
    ref: string,
    variables: PipelineVariable[],
  ): Promise<PipelineRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const pipeline = await this.createPipeline({
      projectId: project.id,
      ref,
      source: 'api',
      userId: actor.userId,
      variables,
    });
    if (!pipeline) {
      throw new GantryError(
        'bad_request',
        `no pipeline created for ${ref}: the commit has no ${PIPELINE_FILES.join(' or ')}, or its workflow rules exclude it`,
      );
    }
    return pipeline;
  }

  async list(
    actor: Actor,
    projectRef: string,
    filter: PipelineFilter,
    page: PageRequest,
  ): Promise<Page<PipelineRow>> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    const [items, total] = await Promise.all([
      this.#deps.pipelines.list(project.id, filter, page),
      this.#deps.pipelines.count(project.id, filter),
    ]);
    return { items, total, request: page };
  }

  async get(actor: Actor, projectRef: string, pipelineId: number): Promise<PipelineRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    return this.#pipelineOf(project.id, pipelineId);
  }

  async jobs(
    actor: Actor,
    projectRef: string,
    pipelineId: number,
    includeRetried: boolean,
  ): Promise<JobRow[]> {
    const pipeline = await this.get(actor, projectRef, pipelineId);
    const jobs = await this.#deps.jobs.listForPipeline(pipeline.id);
    return includeRetried ? jobs : latestAttempts(jobs);
  }

  /** Cancels every job still waiting or running; running jobs are told to stop. */
  async cancel(actor: Actor, projectRef: string, pipelineId: number): Promise<PipelineRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const pipeline = await this.#pipelineOf(project.id, pipelineId);
    for (const job of latestAttempts(await this.#deps.jobs.listForPipeline(pipeline.id))) {
      await this.cancelJob(job);
    }
    await this.#deps.processor.process(pipeline.id);
    return this.#pipelineOf(project.id, pipelineId);
  }

  /** Cancels one job if it has not ended; a running job's runner is told to stop it. */
  async cancelJob(job: JobRow): Promise<boolean> {
    // The status read earlier may be stale (the job was queued or claimed meanwhile): cancel from
    // whatever cancelable status it has now.
    const canceled = await this.#deps.jobs.transition(job.id, statusesLeadingTo('canceled'), {
      status: 'canceled',
      finished_at: new Date().toISOString(),
      token_hash: null,
      lease_expires_at: null,
      failure_reason: null,
    });
    if (!canceled) return false;
    this.#deps.dispatcher.cancel(job.id);
    // A runner that is gone will never report back: the log is complete now.
    if (!this.#deps.dispatcher.isHeld(job.id)) await this.#deps.logs.close(job.id);
    this.#deps.bus.publish('job', {
      id: job.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status: 'canceled',
    });
    return true;
  }

  /** Retries every failed or canceled job, and lets skipped ones run again after them. */
  async retry(actor: Actor, projectRef: string, pipelineId: number): Promise<PipelineRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const pipeline = await this.#pipelineOf(project.id, pipelineId);
    if (pipeline.yaml_errors !== null)
      throw new GantryError(
        'bad_request',
        'a pipeline with file errors cannot be retried; fix the file and push',
      );
    for (const job of latestAttempts(await this.#deps.jobs.listForPipeline(pipeline.id))) {
      if (job.status === 'failed' || job.status === 'canceled' || job.status === 'skipped') {
        await this.#deps.completion.retry(job, actor.userId, 'created');
      }
    }
    await this.#deps.processor.process(pipeline.id);
    return this.#pipelineOf(project.id, pipelineId);
  }

  /** Runs the same commit again as a new pipeline (same ref and variables), e.g. to pick up a new base image. */
  async rebuild(actor: Actor, projectRef: string, pipelineId: number): Promise<PipelineRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const pipeline = await this.#pipelineOf(project.id, pipelineId);
    const rebuilt = await this.createPipeline({
      projectId: project.id,
      ref: pipeline.ref,
      sha: pipeline.sha,
      before: pipeline.before_sha,
      refType: pipeline.tag === 1 ? 'tag' : 'branch',
      source: pipeline.source as PipelineSource,
      userId: actor.userId,
      variables:
        pipeline.variables_encrypted === null
          ? []
          : (JSON.parse(
              this.#deps.secrets.decrypt(pipeline.variables_encrypted, pipelineVariablesContext(pipeline.id)),
            ) as PipelineVariable[]),
      rebuildOf: pipeline.id,
      rebuildEnvironments: parseRebuildEnvironments(pipeline.rebuild_environments),
    });
    if (!rebuilt) throw new GantryError('bad_request', 'the commit no longer produces a pipeline');
    return rebuilt;
  }

  async delete(actor: Actor, projectRef: string, pipelineId: number): Promise<void> {
    const project = await this.#deps.access.require(actor, projectRef, 'manageProject');
    const pipeline = await this.#pipelineOf(project.id, pipelineId);
    for (const job of await this.#deps.jobs.listForPipeline(pipeline.id)) await this.cancelJob(job);
    await this.#deps.pipelines.delete(pipeline.id);
    this.#deps.bus.publish('pipeline', { id: pipeline.id, projectId: project.id, status: 'deleted' });
  }

  /** Checks a pipeline file: `content` as given, or the project's file at `ref` (includes read at `ref`). */
  async lint(actor: Actor, projectRef: string, input: { content?: string; ref?: string }) {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    const reader = new CommitReader(this.#deps.storage.pathOf(project.id));
    const ref = input.ref ?? project.default_branch;
    const resolved = await reader.resolve(ref);
    const read = (path: string) =>
      resolved ? reader.readFile(resolved.sha, path) : Promise.resolve(undefined);
    if (input.content !== undefined) {
      const content = input.content;
      return lintPipeline(PIPELINE_FILES[0], (path) =>
        path === PIPELINE_FILES[0] ? Promise.resolve(content) : read(path),
      );
    }
    if (!resolved) throw new GantryError('bad_request', `reference ${ref} does not exist in ${project.path}`);
    const main = await this.#pipelineFile(reader, resolved.sha);
    if (!main) throw new GantryError('bad_request', `${ref} has no ${PIPELINE_FILES.join(' or ')}`);
    return lintPipeline(main.file, read);
  }

  async #pipelineOf(projectId: number, pipelineId: number): Promise<PipelineRow> {
    const pipeline = await this.#deps.pipelines.findById(pipelineId);
    if (!pipeline || pipeline.project_id !== projectId) throw notFound('pipeline');
    return pipeline;
  }
}

export interface PipelineServiceDeps {
  db: Kysely<Database>;
  projects: ProjectRepository;
  pipelines: PipelineRepository;
  jobs: JobRepository;
  access: ProjectAccess;
  storage: RepositoryStorage;
  processor: PipelineProcessor;
  completion: JobCompletion;
  dispatcher: JobDispatcher;
  logs: JobLogStore;
  ciVariables: CiVariableSource;
  secrets: SecretBox;
  bus: EventBus;
  externalUrl: string;
  /** Jobs were created: their environments and deployments are recorded before they run. */
  onJobsCreated?: (jobs: JobRow[], extras: DeploymentExtras) => Promise<void>;
}
