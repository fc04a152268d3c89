import type { ApprovalState } from '../domain/deployment-approval.ts';
import { decideGate } from '../domain/deployment-gate.ts';
import { type ActiveFreeze, describeFreeze } from '../domain/freeze-window.ts';
import { nextHolder, type ProcessMode } from '../domain/resource-queue.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { DeploymentLockRepository } from '../store/repositories/deployment-lock-repository.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
import type { ResourceGroupRepository } from '../store/repositories/resource-group-repository.ts';
import { CoalescedRounds } from './coalesced-rounds.ts';
import type { JobCompletion } from './job-completion.ts';
import { type JobDefinition, parseDefinition } from './job-definition.ts';
import type { PipelineProcessor } from './pipeline-processor.ts';

/** The rules of protected environments and freezes, as the gate asks them (DeploymentPolicy). */
export interface GatePolicy {
  approvalState(
    deployment: { id: number; project_id: number; user_id: number | null },
    environmentName: string,
  ): Promise<ApprovalState>;
  mayDeploy(userId: number | null, projectId: number, environmentName: string): Promise<boolean>;
  activeFreeze(projectId: number, environmentName: string, now: Date): Promise<ActiveFreeze | null>;
}

export interface DeploymentGateDeps {
  jobs: JobRepository;
  deployments: DeploymentRepository;
  environments: EnvironmentRepository;
  projects: ProjectRepository;
  locks: DeploymentLockRepository;
  resourceGroups: ResourceGroupRepository;
  policy: GatePolicy;
  completion: JobCompletion;
  processor: PipelineProcessor;
  bus: EventBus;
  /** Jobs became pending: the dispatcher hands them to runners. */
  onQueued: () => void;
  /**
   * Runs a job the server deploys itself (`deploy:`), after the gate let it through and set it
   * running; resolves once the deployment has been handed over (not when it ends).
   */
  runOnServer: (job: JobRow, deployment: DeploymentRow | undefined) => Promise<void>;
  /** How long a server-run job may take before its lease expires and its lock with it. */
  serverLeaseSeconds: (definition: JobDefinition) => number;
  onError: (error: unknown) => void;
}

/** The lock key of an environment: one deployment at a time per environment. */
export const environmentLockKey = (environmentId: number) => `environment:${environmentId}`;
/** The lock key of a `resource_group`: one job at a time per group and project, as GitLab does. */
export const resourceGroupLockKey = (projectId: number, key: string) => `resource_group:${projectId}:${key}`;

/**
 * The last step before a deployment job runs. Jobs that deploy, stop an environment or hold a
 * `resource_group` wait in `waiting_for_resource`; each round looks at them oldest first and
 * decides from the state in the database, first queued first: who may deploy, approvals (a job awaiting them parks
 * as `manual`, its deployment `blocked`), outdated jobs, freeze windows (judged now, when the job
 * would start — not when the pipeline was created), then the locks: the environment's, and the
 * resource group's in its process mode. A lock is a row whose holder is the job; it is released
 * when the job ends, and a holder that died ends as `failed` when its runner lease expires, which
 * frees the lock. Rounds are serialized in-process and the locks are exclusive inserts, so several
 * servers can run gates on one database.
 */
export class DeploymentGate {
  readonly #deps: DeploymentGateDeps;
  readonly #rounds: CoalescedRounds;

  constructor(deps: DeploymentGateDeps) {
    this.#deps = deps;
    this.#rounds = new CoalescedRounds(() => this.#round(), deps.onError);
  }

  /** Runs a round now; a call during a round makes one more round after it. */
  kick(): void {
    this.#rounds.request();
  }

  /** Resolves when no round is running (tests, shutdown). */
  idle(): Promise<void> {
    return this.#rounds.idle();
  }

  /** A job ended: its locks go, and the next job in line may start. */
  async released(jobId: number): Promise<void> {
    if ((await this.#deps.locks.releaseHeldBy(jobId)) > 0) this.kick();
  }

  async #round(): Promise<void> {
    await this.#deps.locks.releaseStale();
    const waiting = await this.#deps.jobs.listWaitingForResource();
    let queued = false;
    // Keys an earlier job in this round could not take: a lock released mid-round must go to the
    // first in line at the next round, not to whoever comes after in this one.
    const passedOver = new Set<string>();
    for (const job of waiting) {
      if (await this.#consider(job, passedOver)) queued = true;
    }
    if (queued) this.#deps.onQueued();
  }

  /** Returns true when the job was queued for a runner. */
  async #consider(job: JobRow, passedOver: Set<string>): Promise<boolean> {
    const definition = parseDefinition(job.definition);
    const deployment = await this.#deps.deployments.findByJobId(job.id);
    const environment = deployment && (await this.#deps.environments.findById(deployment.environment_id));
    if (deployment && environment) {
      const decision = decideGate({
        environmentName: environment.name,
        deployAllowed: await this.#deps.policy.mayDeploy(
          deployment.user_id,
          job.project_id,
          environment.name,
        ),
        approval: await this.#deps.policy.approvalState(deployment, environment.name),
        outdated: await this.#outdated(job, deployment, environment),
        freeze: await this.#freeze(job.project_id, environment.name),
        freezeOverridden: deployment.freeze_override_reason !== null,
      });
      if (decision.kind === 'fail') {
        await this.#deps.completion.refuse(job, ['waiting_for_resource'], decision.reason, decision.message);
        return false;
      }
      if (decision.kind === 'wait_for_approval') {
        await this.#move(job, 'manual', {});
        return false;
      }
    }
    const keys: string[] = [];
    if (environment) keys.push(environmentLockKey(environment.id));
    if (definition.resourceGroup !== null) {
      if (!(await this.#isNextInGroup(job, definition.resourceGroup))) return false;
      keys.push(resourceGroupLockKey(job.project_id, definition.resourceGroup));
    }
    if (keys.some((key) => passedOver.has(key))) {
      for (const key of keys) passedOver.add(key);
      return false;
    }
    const taken: string[] = [];
    for (const key of keys) {
      if (!(await this.#deps.locks.acquire(key, job.project_id, job.id, deployment?.id ?? null))) break;
      taken.push(key);
    }
    if (taken.length < keys.length) {
      for (const key of taken) await this.#deps.locks.release(key, job.id);
      for (const key of keys) passedOver.add(key);
      return false;
    }
    if (definition.deploy !== null) {
      const now = Date.now();
      const started = await this.#move(job, 'running', {
        started_at: new Date(now).toISOString(),
        lease_expires_at: new Date(now + this.#deps.serverLeaseSeconds(definition) * 1000).toISOString(),
      });
      if (!started) {
        await this.#deps.locks.releaseHeldBy(job.id);
        return false;
      }
      await this.#deps.runOnServer(started, deployment);
      return false;
    }
    // queued_at stays when the job was queued for the gate: the order requests came in.
    const queued = await this.#move(job, 'pending', {});
    if (!queued) await this.#deps.locks.releaseHeldBy(job.id);
    return queued !== undefined;
  }

  async #move(
    job: JobRow,
    status: 'pending' | 'running' | 'manual',
    values: { started_at?: string; lease_expires_at?: string },
  ): Promise<JobRow | undefined> {
    const moved = await this.#deps.jobs.transition(job.id, ['waiting_for_resource'], { status, ...values });
    if (!moved) return undefined;
    this.#deps.bus.publish('job', {
      id: job.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status,
    });
    await this.#deps.processor.process(job.pipeline_id);
    return moved;
  }

  /** With "prevent outdated deployments": a newer pipeline's deployment already succeeded here. */
  async #outdated(
    job: JobRow,
    deployment: DeploymentRow,
    environment: EnvironmentRow,
  ): Promise<{ latestSuccessfulIid: number } | null> {
    if (deployment.action !== 'start' || deployment.rollback_of !== null) return null;
    if (environment.last_success_deployment_id === null || deployment.pipeline_id === null) return null;
    const project = await this.#deps.projects.findById(job.project_id);
    if (project?.prevent_outdated_deployments !== 1) return null;
    const latest = await this.#deps.deployments.findById(environment.last_success_deployment_id);
    if (latest?.pipeline_id == null) return null;
    return latest.pipeline_id > deployment.pipeline_id ? { latestSuccessfulIid: latest.iid } : null;
  }

  async #freeze(projectId: number, environmentName: string): Promise<{ description: string } | null> {
    const active = await this.#deps.policy.activeFreeze(projectId, environmentName, new Date());
    return active && { description: describeFreeze(active) };
  }

  /** Whether the resource group's process mode lets this job go next. */
  async #isNextInGroup(job: JobRow, key: string): Promise<boolean> {
    const group = await this.#deps.resourceGroups.findOrCreate(job.project_id, key);
    const candidates = await this.#deps.jobs.listForProjectByStatus(job.project_id, [
      'created',
      'waiting_for_resource',
    ]);
    const queue = candidates
      .filter((candidate) => parseDefinition(candidate.definition).resourceGroup === key)
      .map((candidate) => ({
        jobId: candidate.id,
        pipelineId: candidate.pipeline_id,
        ready: candidate.status === 'waiting_for_resource',
      }));
    return nextHolder(group.process_mode as ProcessMode, queue) === job.id;
  }
}
