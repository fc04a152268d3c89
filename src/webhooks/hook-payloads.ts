import type {
  HookDeploymentRow,
  HookJobRow,
  HookPipelineRow,
  HookProjectRow,
  HookReleaseRow,
  HookSubjectRepository,
  HookUserRow,
} from '../store/repositories/project-hook-repository.ts';

// Webhook bodies, shaped loosely after GitLab's webhook payloads (object_kind, object_attributes,
// build_* fields, deployment_* fields) so receivers written for GitLab need few changes.

/** What every payload says about the project. */
export function projectPayload(project: HookProjectRow, externalUrl: string) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    path_with_namespace: project.path,
    default_branch: project.default_branch,
    web_url: `${externalUrl}/${project.path}`,
    git_http_url: `${externalUrl}/${project.path}.git`,
  };
}

function userPayload(user: HookUserRow | undefined) {
  return user === undefined ? null : { id: user.id, name: user.name, username: user.username };
}

/** `object_kind: pipeline`: the pipeline, its jobs and project. `status` is the one the event reported. */
export function pipelinePayload(input: {
  project: HookProjectRow;
  pipeline: HookPipelineRow;
  status: string;
  user: HookUserRow | undefined;
  jobs: readonly HookJobRow[];
  externalUrl: string;
}) {
  const { project, pipeline, externalUrl } = input;
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: pipeline.id,
      iid: pipeline.iid,
      name: pipeline.name,
      ref: pipeline.ref,
      tag: pipeline.tag === 1,
      sha: pipeline.sha,
      before_sha: pipeline.before_sha,
      source: pipeline.source,
      status: input.status,
      created_at: pipeline.created_at,
      finished_at: pipeline.finished_at,
      url: `${externalUrl}/${project.path}/-/pipelines/${pipeline.id}`,
    },
    user: userPayload(input.user),
    project: projectPayload(project, externalUrl),
    commit: { id: pipeline.sha },
    builds: input.jobs.map((job) => ({
      id: job.id,
      name: job.name,
      stage: job.stage,
      status: job.status,
      when: job.when,
      manual: job.when === 'manual',
      allow_failure: job.allow_failure === 1,
      created_at: job.created_at,
      started_at: job.started_at,
      finished_at: job.finished_at,
      failure_reason: job.failure_reason,
    })),
  };
}

/** `object_kind: build` (GitLab's name for a job event), with GitLab's flat `build_*` fields. */
export function jobPayload(input: {
  project: HookProjectRow;
  pipeline: HookPipelineRow;
  job: HookJobRow;
  status: string;
  user: HookUserRow | undefined;
  externalUrl: string;
}) {
  const { project, pipeline, job, externalUrl } = input;
  return {
    object_kind: 'build',
    ref: pipeline.ref,
    tag: pipeline.tag === 1,
    before_sha: pipeline.before_sha,
    sha: pipeline.sha,
    build_id: job.id,
    build_name: job.name,
    build_stage: job.stage,
    build_status: input.status,
    build_created_at: job.created_at,
    build_started_at: job.started_at,
    build_finished_at: job.finished_at,
    build_allow_failure: job.allow_failure === 1,
    build_failure_reason: job.failure_reason,
    pipeline_id: pipeline.id,
    project_id: project.id,
    project_name: project.name,
    user: userPayload(input.user),
    commit: { id: pipeline.sha },
    project: projectPayload(project, externalUrl),
  };
}

/** `object_kind: deployment`: the deployment, its environment and the job behind it (`deployable_id`). */
export function deploymentPayload(input: {
  project: HookProjectRow;
  deployment: HookDeploymentRow;
  status: string;
  user: HookUserRow | undefined;
  externalUrl: string;
}) {
  const { project, deployment, externalUrl } = input;
  return {
    object_kind: 'deployment',
    status: input.status,
    status_changed_at: deployment.updated_at,
    deployment_id: deployment.id,
    deployment_iid: deployment.iid,
    action: deployment.action,
    deployable_id: deployment.job_id,
    pipeline_id: deployment.pipeline_id,
    environment: deployment.environment_name,
    environment_id: deployment.environment_id,
    environment_slug: deployment.environment_slug,
    environment_tier: deployment.environment_tier,
    environment_external_url: deployment.environment_external_url,
    ref: deployment.ref,
    tag: deployment.tag === 1,
    sha: deployment.sha,
    short_sha: deployment.sha.slice(0, 8),
    user: userPayload(input.user),
    project: projectPayload(project, externalUrl),
  };
}

/** `object_kind: release`; a deleted release (no row left) carries only its id and tag. */
export function releasePayload(input: {
  project: HookProjectRow;
  action: string;
  release: HookReleaseRow | { id: number; tag_name: string };
  externalUrl: string;
}) {
  const { project, release, externalUrl } = input;
  const url = `${externalUrl}/${project.path}/-/releases/${encodeURIComponent(release.tag_name)}`;
  return {
    object_kind: 'release',
    action: input.action,
    id: release.id,
    tag: release.tag_name,
    tag_name: release.tag_name,
    ...('name' in release && {
      name: release.name,
      description: release.description,
      released_at: release.released_at,
      created_at: release.created_at,
      commit: { id: release.sha },
    }),
    url,
    project: projectPayload(project, externalUrl),
  };
}

/** Event names as deliveries carry them (`x-gantry-event`). */
export type HookEventName = 'pipeline' | 'job' | 'deployment' | 'release';

/**
 * Builds payloads from the database rows as they are now. Each method answers undefined when the
 * subject (or its project) no longer exists, so a vanished row sends nothing.
 */
export class HookPayloads {
  readonly #subjects: HookSubjectRepository;
  readonly #externalUrl: string;

  constructor(subjects: HookSubjectRepository, externalUrl: string) {
    this.#subjects = subjects;
    this.#externalUrl = externalUrl;
  }

  async pipeline(id: number, status?: string): Promise<object | undefined> {
    const pipeline = await this.#subjects.pipeline(id);
    if (!pipeline) return undefined;
    return this.#pipeline(pipeline, status);
  }

  async job(id: number, status?: string): Promise<object | undefined> {
    const job = await this.#subjects.job(id);
    if (!job) return undefined;
    return this.#job(job, status);
  }

  async deployment(id: number, status?: string): Promise<object | undefined> {
    const deployment = await this.#subjects.deployment(id);
    if (!deployment) return undefined;
    return this.#deployment(deployment, status);
  }

  async release(event: {
    id: number;
    projectId: number;
    tagName: string;
    action: string;
  }): Promise<object | undefined> {
    const project = await this.#subjects.project(event.projectId);
    if (!project) return undefined;
    const release = event.action === 'delete' ? undefined : await this.#subjects.release(event.id);
    return releasePayload({
      project,
      action: event.action,
      release: release ?? { id: event.id, tag_name: event.tagName },
      externalUrl: this.#externalUrl,
    });
  }

  /**
   * A sample of one kind of event for a hook test: built from the project's newest pipeline, job,
   * deployment or release, or from made-up values (ids 0) when the project has none yet.
   */
  async sample(projectId: number, event: HookEventName): Promise<object | undefined> {
    const project = await this.#subjects.project(projectId);
    if (!project) return undefined;
    const now = new Date().toISOString();
    const sha = '0'.repeat(40);
    const pipeline: HookPipelineRow = {
      id: 0,
      project_id: projectId,
      iid: 0,
      sha,
      before_sha: sha,
      ref: project.default_branch,
      tag: 0,
      source: 'push',
      status: 'success',
      name: null,
      user_id: null,
      created_at: now,
      finished_at: now,
    };
    switch (event) {
      case 'pipeline': {
        const latest = await this.#subjects.latestPipeline(projectId);
        return latest ? this.#pipeline(latest) : this.#pipeline(pipeline);
      }
      case 'job': {
        const latest = await this.#subjects.latestJob(projectId);
        if (latest) return this.#job(latest);
        return jobPayload({
          project,
          pipeline,
          job: {
            id: 0,
            pipeline_id: 0,
            project_id: projectId,
            name: 'test',
            stage: 'test',
            status: 'success',
            when: 'on_success',
            allow_failure: 0,
            user_id: null,
            failure_reason: null,
            created_at: now,
            started_at: now,
            finished_at: now,
          },
          status: 'success',
          user: undefined,
          externalUrl: this.#externalUrl,
        });
      }
      case 'deployment': {
        const latest = await this.#subjects.latestDeployment(projectId);
        if (latest) return this.#deployment(latest);
        return deploymentPayload({
          project,
          deployment: {
            id: 0,
            project_id: projectId,
            iid: 0,
            sha,
            ref: project.default_branch,
            tag: 0,
            status: 'success',
            action: 'start',
            user_id: null,
            job_id: null,
            pipeline_id: null,
            environment_id: 0,
            environment_name: 'production',
            environment_slug: 'production',
            environment_tier: 'production',
            environment_external_url: null,
            created_at: now,
            updated_at: now,
          },
          status: 'success',
          user: undefined,
          externalUrl: this.#externalUrl,
        });
      }
      case 'release': {
        const latest = await this.#subjects.latestRelease(projectId);
        return releasePayload({
          project,
          action: 'create',
          release: latest ?? {
            id: 0,
            project_id: projectId,
            tag_name: 'v0.0.0',
            name: 'v0.0.0',
            description: '',
            sha,
            released_at: now,
            created_at: now,
          },
          externalUrl: this.#externalUrl,
        });
      }
    }
  }

  async #pipeline(pipeline: HookPipelineRow, status?: string): Promise<object | undefined> {
    const project = await this.#subjects.project(pipeline.project_id);
    if (!project) return undefined;
    const [user, jobs] = await Promise.all([
      this.#user(pipeline.user_id),
      pipeline.id === 0 ? [] : this.#subjects.pipelineJobs(pipeline.id),
    ]);
    return pipelinePayload({
      project,
      pipeline,
      status: status ?? pipeline.status,
      user,
      jobs,
      externalUrl: this.#externalUrl,
    });
  }

  async #job(job: HookJobRow, status?: string): Promise<object | undefined> {
    const [project, pipeline, user] = await Promise.all([
      this.#subjects.project(job.project_id),
      this.#subjects.pipeline(job.pipeline_id),
      this.#user(job.user_id),
    ]);
    if (!project || !pipeline) return undefined;
    return jobPayload({
      project,
      pipeline,
      job,
      status: status ?? job.status,
      user,
      externalUrl: this.#externalUrl,
    });
  }

  async #deployment(deployment: HookDeploymentRow, status?: string): Promise<object | undefined> {
    const [project, user] = await Promise.all([
      this.#subjects.project(deployment.project_id),
      this.#user(deployment.user_id),
    ]);
    if (!project) return undefined;
    return deploymentPayload({
      project,
      deployment,
      status: status ?? deployment.status,
      user,
      externalUrl: this.#externalUrl,
    });
  }

  #user(id: number | null): Promise<HookUserRow | undefined> {
    return id === null ? Promise.resolve(undefined) : this.#subjects.user(id);
  }
}
