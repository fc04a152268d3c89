import { type Actor, mayWrite } from '../domain/actor.ts';
import { type ApprovalState, grantMatches, mayApprove } from '../domain/deployment-approval.ts';
import { badRequest, conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import { KeyedMutex } from '../scheduler/keyed-mutex.ts';
import type {
  DeploymentApprovalRepository,
  DeploymentApprovalWithUser,
} from '../store/repositories/deployment-approval-repository.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository } from '../store/repositories/environment-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { AuditLog } from './audit-log.ts';
import { approvalRuleOf, type DeploymentPolicy } from './deployment-policy.ts';
import type { ProjectAccess } from './project-access.ts';

/**
 * What a decision on a blocked deployment sets off, provided by the deploy engine: `afterDecision`
 * after every stored approval or rejection (re-evaluate the deployment: unblock, or fail it), and
 * `deploy` for "approve and deploy" (start it as the approver).
 */
export interface ApprovalEffects {
  afterDecision(deploymentId: number, status: 'approved' | 'rejected'): Promise<void>;
  deploy(actor: Actor, deploymentId: number): Promise<void>;
}

export type ApprovalStatus = 'approved' | 'rejected';

/** A decision to record: GitLab's `status` and `comment`, plus `deploy` for "approve and deploy". */
export interface ApprovalDecisionInput {
  status: ApprovalStatus;
  comment?: string | null | undefined;
  deploy?: boolean | undefined;
}

/** One recorded decision on a deployment. */
export interface DeploymentApproval {
  id: number;
  user: { id: number; username: string; name: string };
  status: ApprovalStatus;
  comment: string | null;
  createdAt: string;
}

/** A deployment's approvals after a decision: the decision made, the state now, the history. */
export interface ApprovalSummary {
  deploymentId: number;
  status: ApprovalStatus;
  approvalState: ApprovalState;
  approvals: DeploymentApproval[];
}

export const MAX_APPROVAL_COMMENT = 1000;

/**
 * Approvals of deployments to protected environments (GitLab's deployment approvals API). A
 * blocked deployment to an environment whose rule requires approvals takes one decision per user;
 * who is eligible is judged by the rule as it is now, and the history is never rewritten when
 * rules change. Every decision is audited and handed to the deploy engine.
 */
export class DeploymentApprovalService {
  readonly #approvals: DeploymentApprovalRepository;
  readonly #deployments: DeploymentRepository;
  readonly #environments: EnvironmentRepository;
  readonly #policy: DeploymentPolicy;
  readonly #access: ProjectAccess;
  readonly #audit: AuditLog;
  readonly #effects: ApprovalEffects;
  // One decision at a time per deployment, so a user's "once per deployment" holds under races.
  readonly #mutex = new KeyedMutex<number>();

  constructor(deps: {
    approvals: DeploymentApprovalRepository;
    deployments: DeploymentRepository;
    environments: EnvironmentRepository;
    policy: DeploymentPolicy;
    access: ProjectAccess;
    audit: AuditLog;
    effects: ApprovalEffects;
  }) {
    this.#approvals = deps.approvals;
    this.#deployments = deps.deployments;
    this.#environments = deps.environments;
    this.#policy = deps.policy;
    this.#access = deps.access;
    this.#audit = deps.audit;
    this.#effects = deps.effects;
  }

  /**
   * Approves or rejects a blocked deployment (by id) as the actor, then lets the deploy engine act.
   * @throws conflict when the deployment is not blocked or the actor already decided on it;
   *   bad_request when its environment needs no approval; forbidden when the actor may not decide.
   */
  async decide(
    actor: Actor,
    ref: string,
    deploymentId: number,
    input: ApprovalDecisionInput,
  ): Promise<ApprovalSummary> {
    const project = await this.#access.require(actor, ref, 'read');
    if (!mayWrite(actor)) {
      throw forbidden('this token has the read_api scope; approving needs the api scope');
    }
    const comment = input.comment === undefined || input.comment === '' ? null : input.comment;
    if (comment !== null && comment.length > MAX_APPROVAL_COMMENT) {
      throw new GantryError('validation_failed', `a comment has at most ${MAX_APPROVAL_COMMENT} characters`, [
        { path: '/comment', message: `at most ${MAX_APPROVAL_COMMENT} characters` },
      ]);
    }
    if (input.deploy === true && input.status !== 'approved') {
      throw badRequest('deploy: true goes with status approved ("approve and deploy")', [
        { path: '/deploy', message: 'only with status approved' },
      ]);
    }
    const deployment = await this.#find(project, deploymentId);
    const { environmentName } = await this.#mutex.run(deployment.id, async () => {
      const current = await this.#find(project, deploymentId);
      if (current.status !== 'blocked') {
        throw conflict(
          `deployment ${current.id} is ${current.status}, not blocked: only blocked deployments take approvals`,
        );
      }
      const environment = await this.#environments.findById(current.environment_id);
      if (!environment) throw notFound(`environment of deployment ${current.id}`);
      const row = await this.#policy.protectedRuleFor(project.id, environment.name);
      if (!row || row.required_approvals <= 0) {
        throw badRequest(`deployments to ${environment.name} need no approval`);
      }
      const rule = approvalRuleOf(row);
      const approver = await this.#policy.approver(project.id, actor.userId);
      if (input.status === 'approved') {
        const verdict = mayApprove(rule, approver, current.user_id);
        if (!verdict.ok) throw forbidden(verdict.reason);
      } else if (!grantMatches(rule.approvers, approver)) {
        // Rejecting one's own deployment is allowed; the self-approval rule guards approvals only.
        throw forbidden(`user ${actor.userId} is not an approver for this environment`);
      }
      if (
        input.deploy === true &&
        !(await this.#policy.mayDeploy(actor.userId, project.id, environment.name))
      ) {
        throw forbidden(`you may approve but not deploy to ${environment.name}; approve without deploy`);
      }
      const earlier = await this.#approvals.findByUser(current.id, actor.userId);
      if (earlier) {
        throw conflict(`you already ${earlier.status} deployment ${current.id}; a user decides once`);
      }
      await this.#approvals.insert({
        deployment_id: current.id,
        user_id: actor.userId,
        status: input.status,
        comment,
      });
      await this.#audit.record({
        projectId: project.id,
        userId: actor.userId,
        action: input.status === 'approved' ? 'approve' : 'reject',
        targetType: 'deployment',
        targetId: current.id,
        details: {
          deployment_iid: current.iid,
          environment: environment.name,
          comment,
          ...(input.deploy === true && { deploy: true }),
        },
      });
      return { environmentName: environment.name };
    });
    await this.#effects.afterDecision(deployment.id, input.status);
    if (input.deploy === true && input.status === 'approved')
      await this.#effects.deploy(actor, deployment.id);
    const latest = (await this.#deployments.findById(deployment.id)) ?? deployment;
    return {
      deploymentId: deployment.id,
      status: input.status,
      approvalState: await this.#policy.approvalState(latest, environmentName),
      approvals: await this.#history(deployment.id),
    };
  }

  /**
   * Where a deployment's approvals stand under its environment's current rule, with the decisions
   * (anyone who can read the project): `not_required` when no rule asks for approvals, so a page can
   * tell a deployment waiting for approvals from a manual one waiting to be played.
   */
  async state(
    actor: Actor,
    ref: string,
    deploymentId: number,
  ): Promise<{ deploymentId: number; approvalState: ApprovalState; approvals: DeploymentApproval[] }> {
    const project = await this.#access.require(actor, ref, 'read');
    const deployment = await this.#find(project, deploymentId);
    const environment = await this.#environments.findById(deployment.environment_id);
    if (!environment) throw notFound(`environment of deployment ${deployment.id}`);
    return {
      deploymentId: deployment.id,
      approvalState: await this.#policy.approvalState(deployment, environment.name),
      approvals: await this.#history(deployment.id),
    };
  }

  /** The decisions on a deployment, oldest first (anyone who can read the project). */
  async list(actor: Actor, ref: string, deploymentId: number): Promise<DeploymentApproval[]> {
    const project = await this.#access.require(actor, ref, 'read');
    const deployment = await this.#find(project, deploymentId);
    return this.#history(deployment.id);
  }

  async #find(project: ProjectRow, deploymentId: number): Promise<DeploymentRow> {
    const deployment = await this.#deployments.findById(deploymentId);
    if (!deployment || deployment.project_id !== project.id) throw notFound(`deployment ${deploymentId}`);
    return deployment;
  }

  async #history(deploymentId: number): Promise<DeploymentApproval[]> {
    return (await this.#approvals.listForDeployment(deploymentId)).map(approvalOf);
  }
}

function approvalOf(row: DeploymentApprovalWithUser): DeploymentApproval {
  return {
    id: row.id,
    user: row.user,
    status: row.status === 'rejected' ? 'rejected' : 'approved',
    comment: row.comment,
    createdAt: row.created_at,
  };
}
