import type { Actor } from '../domain/actor.ts';
import { forbidden, GantryError, notFound } from '../domain/errors.ts';
import { PROCESS_MODES, type ProcessMode } from '../domain/resource-queue.ts';
import type { DeploymentGate } from '../scheduler/deployment-gate.ts';
import type {
  AutoDeployRuleRepository,
  AutoDeployRuleView,
} from '../store/repositories/auto-deploy-rule-repository.ts';
import type {
  DeploymentLockRepository,
  DeploymentLockView,
} from '../store/repositories/deployment-lock-repository.ts';
import type {
  ResourceGroupRepository,
  ResourceGroupRow,
} from '../store/repositories/resource-group-repository.ts';
import type { AuditLog } from './audit-log.ts';
import type { ProjectAccess } from './project-access.ts';

/**
 * Who holds what: deployment locks (visible to readers, released by instance admins only — a
 * release while the holder still runs lets two deployments overlap), resource groups and their
 * process modes, and the auto-deploy rules "always deploy" created.
 */
export class DeploymentLockService {
  readonly #deps: DeploymentLockServiceDeps;

  constructor(deps: DeploymentLockServiceDeps) {
    this.#deps = deps;
  }

  async listLocks(actor: Actor, projectRef: string): Promise<DeploymentLockView[]> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    return this.#deps.locks.listForProject(project.id);
  }

  async releaseLock(actor: Actor, projectRef: string, key: string): Promise<void> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    if (!actor.isAdmin) throw forbidden('only administrators may release a deployment lock');
    const lock = await this.#deps.locks.find(key);
    if (!lock || lock.project_id !== project.id) throw notFound('lock');
    const released = await this.#deps.locks.forceRelease(key);
    if (!released) throw notFound('lock');
    await this.#deps.audit.record({
      projectId: project.id,
      userId: actor.userId,
      action: 'lock_release',
      targetType: 'deployment_lock',
      targetId: released.holder_deployment_id,
      details: { key, holder_job_id: released.holder_job_id, holder_status: lock.job_status },
    });
    this.#deps.gate.kick();
  }

  async listResourceGroups(actor: Actor, projectRef: string): Promise<ResourceGroupRow[]> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    return this.#deps.resourceGroups.list(project.id);
  }

  async getResourceGroup(actor: Actor, projectRef: string, key: string): Promise<ResourceGroupRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    const group = await this.#deps.resourceGroups.find(project.id, key);
    if (!group) throw notFound('resource group');
    return group;
  }

  async updateResourceGroup(
    actor: Actor,
    projectRef: string,
    key: string,
    processMode: string,
  ): Promise<ResourceGroupRow> {
    const project = await this.#deps.access.require(actor, projectRef, 'manageProject');
    if (!PROCESS_MODES.includes(processMode as ProcessMode)) {
      throw new GantryError('validation_failed', `process_mode must be one of ${PROCESS_MODES.join(', ')}`);
    }
    const group = await this.#deps.resourceGroups.find(project.id, key);
    if (!group) throw notFound('resource group');
    const updated = await this.#deps.resourceGroups.update(group.id, processMode);
    this.#deps.gate.kick();
    return updated ?? group;
  }

  async listAutoDeployRules(actor: Actor, projectRef: string): Promise<AutoDeployRuleView[]> {
    const project = await this.#deps.access.require(actor, projectRef, 'read');
    return this.#deps.autoDeployRules.list(project.id);
  }

  async deleteAutoDeployRule(actor: Actor, projectRef: string, ruleId: number): Promise<void> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    if (!(await this.#deps.autoDeployRules.delete(project.id, ruleId))) throw notFound('auto-deploy rule');
    await this.#deps.audit.record({
      projectId: project.id,
      userId: actor.userId,
      action: 'auto_deploy_rule_change',
      targetType: 'auto_deploy_rule',
      targetId: ruleId,
      details: { change: 'delete' },
    });
  }
}

export interface DeploymentLockServiceDeps {
  access: ProjectAccess;
  locks: DeploymentLockRepository;
  resourceGroups: ResourceGroupRepository;
  autoDeployRules: AutoDeployRuleRepository;
  gate: DeploymentGate;
  audit: AuditLog;
}
