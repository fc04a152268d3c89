import type { Actor } from '../domain/actor.ts';
import { isReapplicable, parseSnapshot } from '../domain/deployment-snapshot.ts';
import { conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import { isFinished, type JobStatus } from '../domain/job-status.ts';
import type { DeploymentExtras } from '../scheduler/deployment-recorder.ts';
import type { JobCompletion } from '../scheduler/job-completion.ts';
import { parseDefinition } from '../scheduler/job-definition.ts';
import { latestAttempts } from '../scheduler/pipeline-processor.ts';
import type { AutoDeployRuleRepository } from '../store/repositories/auto-deploy-rule-repository.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { PipelineRepository, PipelineRow } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { AuditLog } from './audit-log.ts';
import type { ApprovalEffects } from './deployment-approval-service.ts';
import type { DeploymentPolicy } from './deployment-policy.ts';
import type { PipelineService } from './pipeline-service.ts';
import type { ProjectAccess } from './project-access.ts';

/** Where a deploy request takes its commit from: one of them. */
export interface DeploySource {
  ref?: string | undefined;
  sha?: string | undefined;
  pipelineId?: number | undefined;
}

export interface DeployOptions {
  /** Also create an auto-deploy rule: later successful pipelines of this branch deploy here with no click. */
  always?: boolean | undefined;
  /** Deploy through a freeze window (maintainers); audited. */
  freezeOverrideReason?: string | undefined;
}

/**
 * What people and the server do to deployments: deploy a pipeline's job to an environment,
 * roll back or re-deploy from a snapshot, stop environments (by their `on_stop` job when there is
 * one), auto-deploy after a successful pipeline, stop review environments when their branch goes,
 * and the effects of approvals. Every path ends in a job the deployment gate admits, so approvals,
 * freezes and locks hold whatever started the deployment.
 */
export class DeploymentActions {
  readonly #deps: DeploymentActionsDeps;

  constructor(deps: DeploymentActionsDeps) {
    this.#deps = deps;
  }

  /** `POST /projects/:id/environments/:environment_id/deploy`. */
  async deploy(
    actor: Actor,
    projectRef: string,
    environmentId: number,
    source: DeploySource,
    options: DeployOptions,
  ): Promise<DeploymentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const environment = await this.#environmentOf(project.id, environmentId);
    await this.#requireDeployer(actor, project, environment);
    const extras = await this.#extras(actor, projectRef, options.freezeOverrideReason);
    const pipeline = await this.#pipelineFor(project, source);
    const job = await this.#deployJobIn(pipeline, environment);
    if (!job) {
      throw new GantryError(
        'bad_request',
        `pipeline #${pipeline.iid} has no job deploying to ${environment.name}; add one with environment: ${environment.name}`,
      );
    }
    const deployment = await this.#run(actor, job, extras);
    if (options.always) {
      if (pipeline.tag === 1) {
        throw new GantryError('bad_request', 'always deploy needs a branch; tags are deployed one by one');
      }
      const rule = await this.#deps.autoDeployRules.upsert(
        project.id,
        pipeline.ref,
        environment.id,
        actor.userId,
      );
      await this.#deps.audit.record({
        projectId: project.id,
        userId: actor.userId,
        action: 'auto_deploy_rule_change',
        targetType: 'auto_deploy_rule',
        targetId: rule.id,
        details: { ref: pipeline.ref, environment: environment.name, change: 'create' },
      });
    }
    await this.#audit(actor, 'deploy', deployment, { environment: environment.name, via: 'deploy' });
    return deployment;
  }

  /** `POST /projects/:id/deployments/:deployment_id/rollback`: applies an earlier snapshot again. */
  async rollback(
    actor: Actor,
    projectRef: string,
    deploymentId: number,
    options: DeployOptions,
  ): Promise<DeploymentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const target = await this.#deps.deployments.findById(deploymentId);
    if (!target || target.project_id !== project.id) throw notFound('deployment');
    const environment = await this.#environmentOf(project.id, target.environment_id);
    return this.#reapply(actor, projectRef, project, environment, target, options, 'rollback');
  }

  /** `POST /projects/:id/environments/:environment_id/redeploy`: applies the current snapshot again. */
  async redeploy(
    actor: Actor,
    projectRef: string,
    environmentId: number,
    options: DeployOptions,
  ): Promise<DeploymentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const environment = await this.#environmentOf(project.id, environmentId);
    const current =
      environment.last_success_deployment_id === null
        ? undefined
        : await this.#deps.deployments.findById(environment.last_success_deployment_id);
    if (!current)
      throw new GantryError('bad_request', `${environment.name} has no successful deployment to re-deploy`);
    return this.#reapply(actor, projectRef, project, environment, current, options, 'redeploy');
  }

  async #reapply(
    actor: Actor,
    projectRef: string,
    project: ProjectRow,
    environment: EnvironmentRow,
    target: DeploymentRow,
    options: DeployOptions,
    action: 'rollback' | 'redeploy',
  ): Promise<DeploymentRow> {
    await this.#requireDeployer(actor, project, environment);
    if (target.status !== 'success' || target.action !== 'start') {
      throw new GantryError(
        'bad_request',
        `deployment #${target.iid} is ${target.status === 'success' ? 'a stop' : target.status}; only successful deployments can be applied again`,
      );
    }
    const snapshot = parseSnapshot(target.snapshot);
    if (!isReapplicable(snapshot)) {
      throw new GantryError(
        'bad_request',
        `deployment #${target.iid} was recorded by an external tool; roll it back with that tool`,
      );
    }
    if (snapshot.kind === 'ansible' && snapshot.check) {
      throw new GantryError(
        'bad_request',
        `deployment #${target.iid} was a dry run (Ansible check mode): it changed nothing to ${action === 'rollback' ? 'go back to' : 'apply again'}`,
      );
    }
    if (snapshot.kind === 'ansible' && snapshot.check) {
      throw new GantryError(
        'bad_request',
        `deployment #${target.iid} was a dry run (Ansible check mode): it changed nothing to ${action === 'rollback' ? 'go back to' : 'apply again'}`,
      );
    }
    const extras = await this.#extras(actor, projectRef, options.freezeOverrideReason);
    const pipeline = await this.#deps.pipelineService.createForSnapshot(
      {
        projectId: project.id,
        sha: snapshot.sha,
        ref: snapshot.ref,
        tag: snapshot.tag,
        userId: actor.userId,
      },
      snapshot.definition as Parameters<PipelineService['createForSnapshot']>[1],
      { ...extras, rollbackOf: target.id },
    );
    const [deployment] = await this.#deps.deployments.listForPipeline(pipeline.id);
    if (!deployment) throw new Error(`the ${action} pipeline #${pipeline.iid} recorded no deployment`);
    await this.#audit(actor, action, deployment, { environment: environment.name, of: target.iid });
    return deployment;
  }

  /**
   * `POST /projects/:id/deployments/:deployment_id/promote|abort`: moves an incremental rollout
   * waiting at a step on, or aborts it (back to the previous deployment).
   */
  async steer(
    actor: Actor,
    projectRef: string,
    deploymentId: number,
    step: 'promote' | 'abort',
  ): Promise<DeploymentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const deployment = await this.#deps.deployments.findById(deploymentId);
    if (!deployment || deployment.project_id !== project.id) throw notFound('deployment');
    const environment = await this.#environmentOf(project.id, deployment.environment_id);
    await this.#requireDeployer(actor, project, environment);
    const done =
      step === 'promote'
        ? this.#deps.rollouts?.promote(deployment.id)
        : this.#deps.rollouts?.abort(deployment.id, `aborted by ${actor.username}`);
    if (!done) {
      throw conflict(
        step === 'promote'
          ? `deployment #${deployment.iid} is not waiting for a promote`
          : `deployment #${deployment.iid} is not an incremental rollout under way`,
      );
    }
    await this.#audit(actor, step, deployment, { environment: environment.name });
    return (await this.#deps.deployments.findById(deployment.id)) ?? deployment;
  }

  /** `POST /projects/:id/environments/:environment_id/stop`. */
  async stop(
    actor: Actor,
    projectRef: string,
    environmentId: number,
    force: boolean,
  ): Promise<EnvironmentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const environment = await this.#environmentOf(project.id, environmentId);
    await this.#requireDeployer(actor, project, environment);
    const stopped = await this.stopEnvironment(environment, actor.userId, force);
    await this.#deps.audit.record({
      projectId: project.id,
      userId: actor.userId,
      action: 'stop',
      targetType: 'environment',
      targetId: environment.id,
      details: { environment: environment.name, force },
    });
    return stopped;
  }

  /**
   * Stops an environment: runs its stop job (the `on_stop` job of its latest deployment that has
   * one) and leaves it `stopping` until that job ends; without a stop job, its target stops it
   * where it can (a Kubernetes target deletes what was applied, as a stop deployment); otherwise,
   * or with `force`, it is stopped at once. Also used by auto-stop and when a branch is deleted (userId null: the server).
   */
  async stopEnvironment(
    environment: EnvironmentRow,
    userId: number | null,
    force: boolean,
  ): Promise<EnvironmentRow> {
    if (environment.state === 'stopped') return environment;
    const stopJob = force ? undefined : await this.#stopJobFor(environment);
    if (stopJob) {
      const status = stopJob.status as JobStatus;
      if (status === 'manual' || status === 'scheduled') await this.#deps.completion.play(stopJob, userId);
      else if (isFinished(status)) await this.#deps.completion.retry(stopJob, userId, 'pending');
      const stopping = await this.#deps.environments.transition(environment.id, ['available'], {
        state: 'stopping',
        auto_stop_at: null,
      });
      this.#deps.onQueued();
      return stopping ?? (await this.#environmentOf(environment.project_id, environment.id));
    }
    if (!force && (await this.#deps.stopOnTarget?.(environment, userId))) {
      return this.#environmentOf(environment.project_id, environment.id);
    }
    const stopped = await this.#deps.environments.transition(environment.id, ['available', 'stopping'], {
      state: 'stopped',
      auto_stop_at: null,
    });
    return stopped ?? (await this.#environmentOf(environment.project_id, environment.id));
  }

  /** Auto-stop: stops environments whose `auto_stop_in` has passed; returns how many. */
  async stopDue(now: Date): Promise<number> {
    const due = await this.#deps.environments.listDueForAutoStop(now.toISOString(), 100);
    for (const environment of due) {
      await this.stopEnvironment(environment, null, false);
      await this.#deps.audit.record({
        projectId: environment.project_id,
        userId: null,
        action: 'stop',
        targetType: 'environment',
        targetId: environment.id,
        details: { environment: environment.name, reason: 'auto_stop' },
      });
    }
    return due.length;
  }

  /** A branch was deleted: environments it is deployed to stop (GitLab's review-app clean-up). */
  async branchDeleted(projectId: number, branch: string, userId: number | null): Promise<void> {
    for (const { id } of await this.#deps.deployments.listEnvironmentIdsDeployedFrom(projectId, branch)) {
      const environment = await this.#deps.environments.findById(id);
      if (environment) await this.stopEnvironment(environment, userId, false);
    }
  }

  /** A pipeline succeeded: auto-deploy rules for its branch play their environments' deploy jobs. */
  async pipelineSucceeded(pipelineId: number): Promise<void> {
    const pipeline = await this.#deps.pipelines.findById(pipelineId);
    if (!pipeline || pipeline.tag === 1) return;
    for (const rule of await this.#deps.autoDeployRules.listForRef(pipeline.project_id, pipeline.ref)) {
      const environment = await this.#deps.environments.findById(rule.environment_id);
      if (!environment) continue;
      const job = await this.#deployJobIn(pipeline, environment);
      if (job?.status !== 'manual') continue;
      const played = await this.#deps.completion.play(job, rule.user_id);
      if (!played) continue;
      this.#deps.onQueued();
      const deployment = await this.#deps.deployments.findByJobId(job.id);
      if (deployment) {
        await this.#deps.audit.record({
          projectId: pipeline.project_id,
          userId: rule.user_id,
          action: 'deploy',
          targetType: 'deployment',
          targetId: deployment.id,
          details: { environment: environment.name, via: 'auto_deploy_rule', rule: rule.id },
        });
      }
    }
  }

  /**
   * Before a person plays or retries a deployment job: they must be allowed to deploy there, and
   * the deployment must not be waiting for approvals (approve it first, or "approve and deploy").
   */
  async prepareDeploy(actor: Actor, job: JobRow): Promise<void> {
    const deployment = await this.#deps.deployments.findByJobId(job.id);
    if (!deployment) return;
    const environment = await this.#environmentOf(job.project_id, deployment.environment_id);
    if (!(await this.#deps.policy.mayDeploy(actor.userId, job.project_id, environment.name))) {
      throw forbidden(`you are not allowed to deploy to ${environment.name}`);
    }
    if (job.status !== 'manual') return;
    const approval = await this.#deps.policy.approvalState(deployment, environment.name);
    if (approval.state === 'pending' || approval.state === 'rejected') {
      throw new GantryError(
        'conflict',
        approval.state === 'rejected'
          ? `deployment #${deployment.iid} to ${environment.name} was rejected`
          : `deployment #${deployment.iid} to ${environment.name} is waiting for approval (${approval.approvedCount} of ${approval.requiredCount})`,
      );
    }
    // The person who starts a deployment is the one it is recorded for (and who may not self-approve).
    await this.#deps.deployments.update(deployment.id, { user_id: actor.userId });
  }

  /** What approving or rejecting does to the deployment's job. */
  readonly approvalEffects: ApprovalEffects = {
    afterDecision: async (deploymentId, status) => {
      const deployment = await this.#deps.deployments.findById(deploymentId);
      if (!deployment?.job_id) return;
      const job = await this.#deps.jobs.findById(deployment.job_id);
      const environment = await this.#deps.environments.findById(deployment.environment_id);
      if (!job || !environment) return;
      const approval = await this.#deps.policy.approvalState(deployment, environment.name);
      if (status === 'rejected' && approval.state === 'rejected') {
        await this.#deps.pipelineService.cancelJob(job);
        return;
      }
      // A job that would have run on its own but waited for approvals goes on by itself; a manual
      // job still waits for someone to deploy it.
      if (
        approval.state === 'approved' &&
        job.status === 'manual' &&
        parseDefinition(job.definition).when !== 'manual'
      ) {
        await this.#deps.completion.play(job, job.user_id);
        this.#deps.onQueued();
      }
    },
    deploy: async (actor, deploymentId) => {
      const deployment = await this.#deps.deployments.findById(deploymentId);
      if (!deployment?.job_id) return;
      const job = await this.#deps.jobs.findById(deployment.job_id);
      if (job?.status !== 'manual') return;
      await this.prepareDeploy(actor, job);
      await this.#deps.completion.play(job, actor.userId);
      this.#deps.onQueued();
      await this.#audit(actor, 'deploy', deployment, { via: 'approve_and_deploy' });
    },
  };

  /** Plays a manual deploy job, or retries a finished one; returns the deployment that results. */
  async #run(actor: Actor, job: JobRow, extras: DeploymentExtras): Promise<DeploymentRow> {
    const status = job.status as JobStatus;
    let deployed: JobRow;
    if (status === 'manual' || status === 'scheduled') {
      await this.prepareDeploy(actor, job);
      const deployment = await this.#deps.deployments.findByJobId(job.id);
      if (deployment && extras.freezeOverride) {
        await this.#deps.deployments.update(deployment.id, {
          freeze_override_reason: extras.freezeOverride.reason,
          freeze_override_by: extras.freezeOverride.userId,
        });
      }
      const played = await this.#deps.completion.play(job, actor.userId);
      if (!played) throw new GantryError('conflict', `job ${job.name} changed meanwhile; try again`);
      deployed = played;
    } else if (isFinished(status)) {
      await this.prepareDeploy(actor, job);
      deployed = await this.#deps.completion.retry(job, actor.userId, 'pending', extras);
    } else {
      throw new GantryError(
        'conflict',
        `job ${job.name} (#${job.id}) is ${status}; wait for it to end before deploying it again`,
      );
    }
    this.#deps.onQueued();
    const deployment = await this.#deps.deployments.findByJobId(deployed.id);
    if (!deployment) throw new Error(`job ${deployed.id} recorded no deployment`);
    return deployment;
  }

  /** The latest attempt of the job deploying to `environment` in a pipeline. */
  async #deployJobIn(pipeline: PipelineRow, environment: EnvironmentRow): Promise<JobRow | undefined> {
    const deployments = await this.#deps.deployments.listForPipeline(pipeline.id);
    const names = new Set(
      deployments
        .filter((d) => d.environment_id === environment.id && d.action === 'start')
        .map((d) => d.deployable_name),
    );
    const jobs = latestAttempts(await this.#deps.jobs.listForPipeline(pipeline.id));
    return jobs.find((job) => names.has(job.name));
  }

  /** The stop job of an environment: the `on_stop` job in the pipeline of a recent successful deployment. */
  async #stopJobFor(environment: EnvironmentRow): Promise<JobRow | undefined> {
    for (const deployment of await this.#deps.deployments.recentSuccessfulStarts(environment.id, 20)) {
      if (deployment.job_id === null || deployment.pipeline_id === null) continue;
      const job = await this.#deps.jobs.findById(deployment.job_id);
      const onStop = job && parseDefinition(job.definition).environment?.onStop;
      if (!onStop) continue;
      const jobs = latestAttempts(await this.#deps.jobs.listForPipeline(deployment.pipeline_id));
      const stopJob = jobs.find((candidate) => candidate.name === onStop);
      if (stopJob) return stopJob;
    }
    return undefined;
  }

  async #pipelineFor(project: ProjectRow, source: DeploySource): Promise<PipelineRow> {
    const given = [source.ref, source.sha, source.pipelineId].filter((value) => value !== undefined).length;
    if (given !== 1)
      throw new GantryError('validation_failed', 'give exactly one of ref, sha or pipeline_id');
    if (source.pipelineId !== undefined) {
      const pipeline = await this.#deps.pipelines.findById(source.pipelineId);
      if (!pipeline || pipeline.project_id !== project.id) throw notFound('pipeline');
      return pipeline;
    }
    // A ref means its head commit now (not the newest pipeline of the ref: a rollback's pipeline
    // runs an older commit under the same ref).
    const sha = source.sha ?? (await this.#deps.resolveRef(project.id, source.ref!));
    if (sha === undefined)
      throw new GantryError('not_found', `reference ${source.ref} does not exist in ${project.path}`);
    const filter = source.ref !== undefined ? { sha, ref: source.ref } : { sha };
    const [pipeline] = await this.#deps.pipelines.list(project.id, filter, { page: 1, perPage: 1 });
    if (!pipeline) {
      throw new GantryError(
        'not_found',
        `no pipeline for commit ${sha}${source.ref !== undefined ? ` (head of ${source.ref})` : ''} in ${project.path}; push it first`,
      );
    }
    return pipeline;
  }

  async #requireDeployer(actor: Actor, project: ProjectRow, environment: EnvironmentRow): Promise<void> {
    if (!(await this.#deps.policy.mayDeploy(actor.userId, project.id, environment.name))) {
      throw forbidden(`you are not allowed to deploy to ${environment.name}`);
    }
  }

  /** A freeze override is a maintainer's decision, with a reason, in the audit log. */
  async #extras(actor: Actor, projectRef: string, reason: string | undefined): Promise<DeploymentExtras> {
    if (reason === undefined) return {};
    if (reason.trim() === '') throw new GantryError('validation_failed', 'a freeze override needs a reason');
    const project = await this.#deps.access.require(actor, projectRef, 'manageProject');
    await this.#deps.audit.record({
      projectId: project.id,
      userId: actor.userId,
      action: 'freeze_override',
      targetType: 'project',
      targetId: project.id,
      details: { reason },
    });
    return { freezeOverride: { reason, userId: actor.userId } };
  }

  async #environmentOf(projectId: number, environmentId: number): Promise<EnvironmentRow> {
    const environment = await this.#deps.environments.findById(environmentId);
    if (!environment || environment.project_id !== projectId) throw notFound('environment');
    return environment;
  }

  async #audit(
    actor: Actor,
    action: 'deploy' | 'rollback' | 'redeploy' | 'promote' | 'abort',
    deployment: DeploymentRow,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.#deps.audit.record({
      projectId: deployment.project_id,
      userId: actor.userId,
      action,
      targetType: 'deployment',
      targetId: deployment.id,
      details: { iid: deployment.iid, sha: deployment.sha, ref: deployment.ref, ...details },
    });
  }
}

export interface DeploymentActionsDeps {
  access: ProjectAccess;
  pipelines: PipelineRepository;
  jobs: JobRepository;
  environments: EnvironmentRepository;
  deployments: DeploymentRepository;
  autoDeployRules: AutoDeployRuleRepository;
  policy: DeploymentPolicy;
  audit: AuditLog;
  completion: JobCompletion;
  pipelineService: PipelineService;
  /** Jobs were queued or may start: dispatcher and gate look again. */
  onQueued: () => void;
  /** The commit a branch or tag points at now. */
  resolveRef(projectId: number, ref: string): Promise<string | undefined>;
  /**
   * Stops an environment without a stop job where its target can (Kubernetes: deletes what the
   * current deployment applied); resolves with the stop deployment, or undefined when it cannot.
   */
  stopOnTarget?: (environment: EnvironmentRow, userId: number | null) => Promise<DeploymentRow | undefined>;
  /** Incremental rollouts under way (the Kubernetes deployer's), to promote or abort. */
  rollouts?: { promote(deploymentId: number): boolean; abort(deploymentId: number, reason: string): boolean };
}
