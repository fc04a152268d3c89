import type { ScriptSnapshot } from '../domain/deployment-snapshot.ts';
import {
  type DeploymentStatus,
  deploymentStatusForJob,
  isDeploymentFinished,
  mayTransitionDeployment,
} from '../domain/deployment-status.ts';
import { validateEnvironmentName } from '../domain/environment-name.ts';
import { environmentSlug } from '../domain/environment-slug.ts';
import {
  type EnvironmentEvent,
  type EnvironmentState,
  nextEnvironmentState,
} from '../domain/environment-state.ts';
import { guessTier } from '../domain/environment-tier.ts';
import { isHttpUrl } from '../domain/http-url.ts';
import type { JobStatus } from '../domain/job-status.ts';
import { predefinedVariables } from '../domain/predefined-variables.ts';
import { parseRebuildEnvironments, rebuildJobDecision } from '../domain/rebuild-plan.ts';
import type { EventBus } from '../events/event-bus.ts';
import { expandVariables } from '../pipeline/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { PipelineRepository, PipelineRow } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRepository, ProjectRow } from '../store/repositories/project-repository.ts';
import type { JobCompletion } from './job-completion.ts';
import { type JobDefinition, parseDefinition } from './job-definition.ts';
import { jobSnapshot } from './job-snapshot.ts';
import { dotenvContext, pipelineFacts } from './job-spec-builder.ts';
import { KeyedMutex } from './keyed-mutex.ts';

/** What a person asked for along with a deployment: a rollback, or deploying through a freeze. */
export interface DeploymentExtras {
  rollbackOf?: number;
  freezeOverride?: { reason: string; userId: number | null };
}

export interface DeploymentRecorderDeps {
  jobs: JobRepository;
  pipelines: PipelineRepository;
  projects: ProjectRepository;
  environments: EnvironmentRepository;
  deployments: DeploymentRepository;
  secrets: SecretBox;
  bus: EventBus;
  externalUrl: string;
  /** Keeps the deployed commit reachable (a ref per deployment), so stopping works after its branch is deleted. */
  keepAround(projectId: number, ref: string, sha: string): Promise<void>;
  /** Keyed digest of the CI/CD variables that apply to the job (the snapshot's variables version). */
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
  /** Fails a job that cannot deploy, with the reason in its log (JobCompletion.refuse). */
  refuse: JobCompletion['refuse'];
}

/**
 * Keeps the deployment record in step with the jobs behind it. A job with `environment:` creates
 * or updates its environment when the job is created, and (for `start` and `stop`) a deployment;
 * afterwards the deployment follows its job: blocked while manual, running when the job runs, and
 * ending as the job ends — at which point the environment becomes available, or stopped for a
 * stop. Syncing always reads the job's current status, so events arriving late or twice are harmless.
 * In a rebuild pipeline it also applies the rebuild's scope before a job can start: jobs for other
 * environments are skipped, manual deployments to rebuilt ones run (`rebuildJobDecision`).
 */
export class DeploymentRecorder {
  readonly #deps: DeploymentRecorderDeps;
  readonly #mutex = new KeyedMutex<number>();

  constructor(deps: DeploymentRecorderDeps) {
    this.#deps = deps;
  }

  /** Records environments and deployments for newly created jobs; jobs already recorded are skipped. */
  async recordJobs(jobs: JobRow[], extras: DeploymentExtras = {}): Promise<void> {
    const cache = new Map<number, { pipeline: PipelineRow; project: ProjectRow }>();
    for (const job of jobs) {
      const definition = parseDefinition(job.definition);
      if (!definition.environment) continue;
      await this.#mutex.run(job.id, async () => {
        if (await this.#deps.deployments.findByJobId(job.id)) return;
        let context = cache.get(job.pipeline_id);
        if (!context) {
          const pipeline = await this.#deps.pipelines.findById(job.pipeline_id);
          const project = await this.#deps.projects.findById(job.project_id);
          if (!pipeline || !project) return;
          context = { pipeline, project };
          cache.set(job.pipeline_id, context);
        }
        await this.#record(job, definition, context.pipeline, context.project, extras);
      });
    }
  }

  async #record(
    job: JobRow,
    definition: JobDefinition,
    pipeline: PipelineRow,
    project: ProjectRow,
    extras: DeploymentExtras,
  ) {
    const planned = definition.environment!;
    const lookup = this.#lookup(job, definition, pipeline, project, {});
    const name = expandVariables(planned.name, lookup).trim();
    try {
      validateEnvironmentName(name);
    } catch (error) {
      await this.#deps.refuse(
        job,
        ['created', 'waiting_for_resource', 'pending', 'manual', 'scheduled'],
        'environment_creation_failure',
        `environment name "${planned.name}" expands to an invalid name: ${String(error)}`,
      );
      return;
    }
    const rebuilt = parseRebuildEnvironments(pipeline.rebuild_environments);
    if (rebuilt !== null) {
      const decision = rebuildJobDecision(rebuilt, {
        environment: name,
        action: planned.action,
        when: definition.when,
      });
      if (decision === 'skip') return this.#skipOutsideRebuild(job);
      if (decision === 'run') {
        await this.#deps.jobs.update(job.id, {
          when: 'on_success',
          definition: JSON.stringify({ ...definition, when: 'on_success' }),
        });
      }
    }
    const url = planned.url === null ? null : expandVariables(planned.url, lookup);
    const { row: environment } = await this.#deps.environments.findOrCreate({
      project_id: project.id,
      name,
      slug: environmentSlug(name),
      tier: planned.deploymentTier ?? guessTier(name),
      // A URL naming a variable the job's dotenv report sets is filled in when the job succeeds.
      external_url: url !== null && isHttpUrl(url) ? url : null,
      state: 'available',
      kubernetes_namespace: planned.kubernetesNamespace,
    });
    if (planned.action !== 'start' && planned.action !== 'stop') return;
    const status = deploymentStatusForJob(job.status, { awaitingApproval: false });
    const deployment = await this.#deps.deployments.insert({
      project_id: project.id,
      environment_id: environment.id,
      sha: pipeline.sha,
      ref: pipeline.ref,
      tag: pipeline.tag,
      user_id: job.user_id ?? pipeline.user_id,
      status,
      action: planned.action,
      job_id: job.id,
      pipeline_id: pipeline.id,
      deployable_name: job.name,
      snapshot: null,
      rollback_of: extras.rollbackOf ?? null,
      freeze_override_reason: extras.freezeOverride?.reason ?? null,
      freeze_override_by: extras.freezeOverride?.userId ?? null,
      rebuild: rebuilt === null ? 0 : 1,
    });
    await this.#deps.keepAround(
      project.id,
      `refs/environments/${environment.slug}/deployments/${deployment.iid}`,
      pipeline.sha,
    );
    this.publish(deployment);
  }

  /**
   * A rebuild pipeline runs no job for an environment it does not rebuild, not even when retried:
   * the job is skipped before it starts, and neither its environment nor a deployment is recorded.
   */
  async #skipOutsideRebuild(job: JobRow): Promise<void> {
    const skipped = await this.#deps.jobs.transition(
      job.id,
      ['created', 'waiting_for_resource', 'pending', 'manual', 'scheduled'],
      { status: 'skipped', finished_at: new Date().toISOString() },
    );
    if (!skipped) return;
    this.#deps.bus.publish('job', {
      id: job.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status: 'skipped',
    });
  }

  /** Brings the deployment of a job in line with the job's current status. */
  sync(jobId: number): Promise<void> {
    return this.#mutex.run(jobId, () => this.#sync(jobId));
  }

  /** Waits for all recording under way (tests, shutdown). */
  idle(): Promise<void> {
    return this.#mutex.idle();
  }

  async #sync(jobId: number): Promise<void> {
    const deployment = await this.#deps.deployments.findByJobId(jobId);
    if (!deployment) return;
    const job = await this.#deps.jobs.findById(jobId);
    if (!job) return;
    const to = deploymentStatusForJob(job.status as JobStatus, { awaitingApproval: false });
    const from = deployment.status as DeploymentStatus;
    if (to === from || !mayTransitionDeployment(from, to)) return;
    const now = new Date().toISOString();
    const environment = await this.#deps.environments.findById(deployment.environment_id);
    if (!environment) return;
    const snapshot =
      to === 'running' ||
      (isDeploymentFinished(to) && deployment.snapshot === null && job.started_at !== null)
        ? await this.#snapshot(job, deployment, environment)
        : undefined;
    let updated = await this.#deps.deployments.transition(deployment.id, [from], {
      status: to,
      ...(isDeploymentFinished(to) && { finished_at: now }),
    });
    if (!updated) return;
    if (snapshot !== undefined && updated.snapshot === null) {
      await this.#deps.deployments.setSnapshotIfNone(deployment.id, JSON.stringify(snapshot));
      updated = (await this.#deps.deployments.findById(deployment.id)) ?? updated;
    }
    await this.updateEnvironment(updated, environment, job);
    this.publish(updated);
  }

  async #snapshot(
    job: JobRow,
    deployment: DeploymentRow,
    environment: EnvironmentRow,
  ): Promise<ScriptSnapshot> {
    return {
      kind: 'script',
      ...jobSnapshot(job, deployment, environment, await this.#deps.variablesVersion(job, environment.name)),
    };
  }

  /**
   * Moves an environment after its deployment changed status: state, last (successful) deployment,
   * auto-stop time and URL (the job's, with its dotenv report; none for deployments without a job).
   */
  async updateEnvironment(
    deployment: DeploymentRow,
    environment: EnvironmentRow,
    job: JobRow | null,
  ): Promise<void> {
    const status = deployment.status as DeploymentStatus;
    // What runs is decided by what ran last, not by age: the environment lock lets one deployment
    // run at a time, and the one that starts running becomes current (an older pipeline's job
    // played later does replace a newer one). Its end then moves the environment. A deployment
    // that ends without having run (refused by the gate, canceled while waiting) changes only
    // history; one recorded by a tool over the API states what runs and always applies.
    if (status === 'created' || status === 'blocked') return;
    // A dry run (Ansible's check mode) changed nothing on the target: the environment stays as it was.
    if (job !== null && parseDefinition(job.definition).deploy?.check) return;
    const current =
      environment.last_deployment_id === null || environment.last_deployment_id === deployment.id;
    if (status !== 'running' && !current && deployment.job_id !== null) return;
    const stop = deployment.action === 'stop';
    const event = environmentEvent(status, stop);
    const changes: Parameters<EnvironmentRepository['update']>[1] = { last_deployment_id: deployment.id };
    if (event !== null) changes.state = nextEnvironmentState(environment.state as EnvironmentState, event);
    if (status === 'success' && stop) changes.auto_stop_at = null;
    if (status === 'success' && !stop) {
      changes.last_success_deployment_id = deployment.id;
      if (job !== null) {
        const definition = parseDefinition(job.definition);
        const seconds = definition.environment?.autoStopInSeconds ?? null;
        changes.auto_stop_at = seconds === null ? null : new Date(Date.now() + seconds * 1000).toISOString();
        const url = await this.#finalUrl(job, definition);
        if (url !== null) changes.external_url = url;
      }
    }
    await this.#deps.environments.update(environment.id, changes);
  }

  /** The environment URL with the job's own dotenv report available (GitLab's dynamic environment URLs). */
  async #finalUrl(job: JobRow, definition: JobDefinition): Promise<string | null> {
    const planned = definition.environment?.url ?? null;
    if (planned === null) return null;
    const pipeline = await this.#deps.pipelines.findById(job.pipeline_id);
    const project = await this.#deps.projects.findById(job.project_id);
    if (!pipeline || !project) return null;
    const dotenv =
      job.dotenv_encrypted === null
        ? {}
        : (JSON.parse(this.#deps.secrets.decrypt(job.dotenv_encrypted, dotenvContext(job.id))) as Record<
            string,
            string
          >);
    const url = expandVariables(planned, this.#lookup(job, definition, pipeline, project, dotenv));
    return isHttpUrl(url) ? url : null;
  }

  #lookup(
    job: JobRow,
    definition: JobDefinition,
    pipeline: PipelineRow,
    project: ProjectRow,
    dotenv: Record<string, string>,
  ): (name: string) => string | undefined {
    const predefined = predefinedVariables({
      serverUrl: this.#deps.externalUrl,
      project,
      pipeline: pipelineFacts(pipeline),
      job: { id: job.id, name: job.name, stage: job.stage, token: '' },
    });
    return (name) => dotenv[name] ?? definition.variables[name] ?? predefined[name];
  }

  /** Tells listeners (webhooks, the UI) a deployment was recorded or changed. */
  publish(deployment: DeploymentRow): void {
    this.#deps.bus.publish('deployment', {
      id: deployment.id,
      projectId: deployment.project_id,
      environmentId: deployment.environment_id,
      status: deployment.status,
      action: deployment.action,
    });
  }
}

/** How a deployment's status moves its environment. */
function environmentEvent(status: DeploymentStatus, stop: boolean): EnvironmentEvent | null {
  if (status === 'running') return stop ? 'stop_job_started' : 'deploy_started';
  if (status === 'success') return stop ? 'stop_succeeded' : 'deploy_started';
  if ((status === 'failed' || status === 'canceled') && stop) return 'stop_failed';
  return null;
}
