import type { Actor } from '../domain/actor.ts';
import type { ExternalSnapshot } from '../domain/deployment-snapshot.ts';
import {
  type DeploymentStatus,
  isDeploymentFinished,
  mayTransitionDeployment,
} from '../domain/deployment-status.ts';
import { validateEnvironmentName } from '../domain/environment-name.ts';
import { environmentSlug } from '../domain/environment-slug.ts';
import { guessTier } from '../domain/environment-tier.ts';
import { GantryError, notFound } from '../domain/errors.ts';
import {
  deploymentStatusForExternalState,
  type ExternalDeploymentState,
} from '../domain/external-deployment-state.ts';
import { isHttpUrl } from '../domain/http-url.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { DeploymentRecorder } from '../scheduler/deployment-recorder.ts';
import type { JobCompletion } from '../scheduler/job-completion.ts';
import type { JobLogStore } from '../scheduler/job-log-store.ts';
import type {
  DeploymentFilter,
  DeploymentListRow,
  DeploymentOrder,
  DeploymentRepository,
  DeploymentRow,
} from '../store/repositories/deployment-repository.ts';
import type {
  DeploymentStatusRepository,
  DeploymentStatusRow,
} from '../store/repositories/deployment-status-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { JobRepository } from '../store/repositories/job-repository.ts';
import type { AuditLog } from './audit-log.ts';
import type { DeploymentPolicy } from './deployment-policy.ts';
import { type DeploymentRelations, loadDeploymentRelations } from './deployment-relations.ts';
import type { ProjectAccess } from './project-access.ts';

/** Statuses an external tool may set on a deployment it records (GitLab's API takes these). */
export const API_DEPLOYMENT_STATUSES = ['running', 'success', 'failed', 'canceled'] as const;
export type ApiDeploymentStatus = (typeof API_DEPLOYMENT_STATUSES)[number];

export interface DeploymentQuery extends Omit<DeploymentFilter, 'environmentId'> {
  environment?: string | undefined;
}

/** What an external deployer reports (`POST /projects/:id/deployments/:deployment_id/statuses`). */
export interface StatusReport {
  state: ExternalDeploymentState;
  description?: string | undefined;
  logUrl?: string | undefined;
  environmentUrl?: string | undefined;
  /** GitHub's auto_inactive (default true): a success makes earlier live deployments inactive. */
  autoInactive?: boolean | undefined;
}

/**
 * The deployments API: history with filters, deployments recorded by external tools (GitLab's
 * `POST /deployments`), their status updates, deletion of old records, and the statuses external
 * deployers report, which drive the deployment — and the `deploy:` job behind it — to its end.
 */
export class DeploymentService {
  readonly #deps: DeploymentServiceDeps;

  constructor(deps: DeploymentServiceDeps) {
    this.#deps = deps;
  }

  async list(
    actor: Actor,
    projectRef: string,
    query: DeploymentQuery,
    order: DeploymentOrder,
    page: PageRequest,
  ): Promise<Page<DeploymentListRow>> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    let environmentId: number | undefined;
    if (query.environment !== undefined) {
      const environment = await this.#deps.environments.findByName(project.id, query.environment);
      if (!environment) return { items: [], total: 0, request: page };
      environmentId = environment.id;
    }
    const filter: DeploymentFilter = { ...query, environmentId };
    const [items, total] = await Promise.all([
      this.#deps.deployments.list(project.id, filter, order, page),
      this.#deps.deployments.count(project.id, filter),
    ]);
    return { items, total, request: page };
  }

  /** The users, jobs and environments a page of deployments shows, in a few queries. */
  relations(rows: readonly DeploymentRow[]): Promise<DeploymentRelations> {
    return loadDeploymentRelations(this.#deps, rows);
  }

  async get(actor: Actor, projectRef: string, deploymentId: number): Promise<DeploymentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    return this.#deploymentOf(project.id, deploymentId);
  }

  /** Records a deployment made by another tool: no job, its commit as the snapshot. */
  async create(
    actor: Actor,
    projectRef: string,
    input: { environment: string; sha: string; ref: string; tag: boolean; status: ApiDeploymentStatus },
  ): Promise<DeploymentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    validateEnvironmentName(input.environment);
    if (!(await this.#deps.policy.mayDeploy(actor.userId, project.id, input.environment))) {
      throw new GantryError('forbidden', `you are not allowed to deploy to ${input.environment}`);
    }
    const { row: environment } = await this.#deps.environments.findOrCreate({
      project_id: project.id,
      name: input.environment,
      slug: environmentSlug(input.environment),
      tier: guessTier(input.environment),
      external_url: null,
      state: 'available',
      kubernetes_namespace: null,
    });
    const snapshot: ExternalSnapshot = { kind: 'external', sha: input.sha, ref: input.ref, tag: input.tag };
    const deployment = await this.#deps.deployments.insert({
      project_id: project.id,
      environment_id: environment.id,
      sha: input.sha,
      ref: input.ref,
      tag: input.tag ? 1 : 0,
      user_id: actor.userId,
      status: input.status,
      action: 'start',
      job_id: null,
      pipeline_id: null,
      deployable_name: null,
      snapshot: JSON.stringify(snapshot),
      rollback_of: null,
    });
    const finished = isDeploymentFinished(input.status)
      ? ((await this.#deps.deployments.update(deployment.id, { finished_at: deployment.created_at })) ??
        deployment)
      : deployment;
    await this.#settle(finished, environment);
    await this.#deps.audit.record({
      projectId: project.id,
      userId: actor.userId,
      action: 'deploy',
      targetType: 'deployment',
      targetId: deployment.id,
      details: { iid: deployment.iid, environment: environment.name, sha: input.sha, via: 'api' },
    });
    return finished;
  }

  /** `PUT /projects/:id/deployments/:deployment_id`: status changes of deployments without a job. */
  async updateStatus(
    actor: Actor,
    projectRef: string,
    deploymentId: number,
    status: ApiDeploymentStatus,
  ): Promise<DeploymentRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const deployment = await this.#deploymentOf(project.id, deploymentId);
    if (deployment.job_id !== null) {
      throw new GantryError(
        'bad_request',
        `deployment #${deployment.iid} is run by job ${deployment.job_id}; its status follows the job`,
      );
    }
    return this.#move(deployment, status);
  }

  /** Deletes a deployment record that is neither running nor what its environment runs now. */
  async delete(actor: Actor, projectRef: string, deploymentId: number): Promise<void> {
    const project = await this.#deps.access.require(actor, projectRef, 'manageProject');
    const deployment = await this.#deploymentOf(project.id, deploymentId);
    if (!isDeploymentFinished(deployment.status as DeploymentStatus)) {
      throw new GantryError(
        'conflict',
        `deployment #${deployment.iid} is ${deployment.status}; only finished ones can be deleted`,
      );
    }
    const environment = await this.#deps.environments.findById(deployment.environment_id);
    if (
      environment?.last_deployment_id === deployment.id ||
      environment?.last_success_deployment_id === deployment.id
    ) {
      throw new GantryError(
        'conflict',
        `deployment #${deployment.iid} is what ${environment.name} runs now; it cannot be deleted`,
      );
    }
    await this.#deps.deployments.delete(deployment.id);
  }

  async statuses(actor: Actor, projectRef: string, deploymentId: number): Promise<DeploymentStatusRow[]> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    const deployment = await this.#deploymentOf(project.id, deploymentId);
    return this.#deps.statuses.listForDeployment(deployment.id);
  }

  /**
   * An external deployer reports progress. The report is kept; `environment_url` becomes the
   * environment's URL; the state maps onto Gantry's statuses (in_progress → running, success,
   * failure/error → failed) and ends the `deploy:` job behind the deployment when there is one.
   */
  async reportStatus(
    actor: Actor,
    projectRef: string,
    deploymentId: number,
    report: StatusReport,
  ): Promise<DeploymentStatusRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const deployment = await this.#deploymentOf(project.id, deploymentId);
    for (const [field, url] of [
      ['log_url', report.logUrl],
      ['environment_url', report.environmentUrl],
    ] as const) {
      if (url !== undefined && !isHttpUrl(url)) {
        throw new GantryError('validation_failed', `${field} must be an http or https URL`);
      }
    }
    const row = await this.#deps.statuses.insert({
      deployment_id: deployment.id,
      state: report.state,
      description: report.description ?? null,
      log_url: report.logUrl ?? null,
      environment_url: report.environmentUrl ?? null,
      creator_id: actor.userId,
    });
    await this.#deps.deployments.update(deployment.id, { external_state: report.state });
    if (report.environmentUrl !== undefined) {
      await this.#deps.environments.update(deployment.environment_id, {
        external_url: report.environmentUrl,
      });
    }
    const mapped = deploymentStatusForExternalState(report.state);
    if (mapped !== null) await this.#apply(deployment, mapped, report);
    if (report.state === 'success' && report.autoInactive !== false) {
      for (const id of await this.#deps.deployments.markInactive(deployment.environment_id, deployment.id)) {
        await this.#deps.statuses.insert({
          deployment_id: id,
          state: 'inactive',
          description: `superseded by deployment #${deployment.iid}`,
          log_url: null,
          environment_url: null,
          creator_id: actor.userId,
        });
      }
    }
    return row;
  }

  async #apply(deployment: DeploymentRow, status: DeploymentStatus, report: StatusReport): Promise<void> {
    if (deployment.job_id === null) {
      if (mayTransitionDeployment(deployment.status as DeploymentStatus, status))
        await this.#move(deployment, status);
      return;
    }
    const job = await this.#deps.jobs.findById(deployment.job_id);
    if (job?.status !== 'running') return;
    const line = `external deployer: ${report.state}${report.description ? ` — ${report.description}` : ''}${report.logUrl ? ` (${report.logUrl})` : ''}`;
    await this.#deps.logs.open(job.id, []);
    await this.#deps.logs.append(job.id, Buffer.from(`${line}\r\n`));
    if (status === 'success' || status === 'failed') {
      await this.#deps.completion.finish(job.id, null, {
        status,
        exitCode: status === 'success' ? 0 : null,
        failureReason: status === 'failed' ? 'script_failure' : null,
        dotenv: null,
      });
    }
  }

  async #move(deployment: DeploymentRow, status: DeploymentStatus): Promise<DeploymentRow> {
    if (!mayTransitionDeployment(deployment.status as DeploymentStatus, status)) {
      throw new GantryError(
        'bad_request',
        `deployment #${deployment.iid} is ${deployment.status}; it cannot become ${status}`,
      );
    }
    const moved = await this.#deps.deployments.transition(deployment.id, [deployment.status], {
      status,
      ...(isDeploymentFinished(status) && { finished_at: new Date().toISOString() }),
    });
    if (!moved)
      throw new GantryError('conflict', `deployment #${deployment.iid} changed meanwhile; try again`);
    const environment = await this.#deps.environments.findById(moved.environment_id);
    if (environment) await this.#settle(moved, environment);
    return moved;
  }

  async #settle(deployment: DeploymentRow, environment: EnvironmentRow): Promise<void> {
    await this.#deps.recorder.updateEnvironment(deployment, environment, null);
    this.#deps.recorder.publish(deployment);
  }

  async #deploymentOf(projectId: number, deploymentId: number): Promise<DeploymentRow> {
    const deployment = await this.#deps.deployments.findById(deploymentId);
    if (!deployment || deployment.project_id !== projectId) throw notFound('deployment');
    return deployment;
  }
}

export interface DeploymentServiceDeps {
  access: ProjectAccess;
  deployments: DeploymentRepository;
  environments: EnvironmentRepository;
  statuses: DeploymentStatusRepository;
  jobs: JobRepository;
  logs: JobLogStore;
  completion: JobCompletion;
  recorder: DeploymentRecorder;
  policy: DeploymentPolicy;
  audit: AuditLog;
}
