import type { Actor } from '../domain/actor.ts';
import {
  type ApprovalState,
  type Approver,
  approvalState,
  mayApprove,
} from '../domain/deployment-approval.ts';
import { offsetOf, type Page, type PageRequest } from '../domain/pagination.ts';
import type {
  AwaitingApprovalRepository,
  BlockedDeploymentDecision,
  BlockedDeploymentRow,
} from '../store/repositories/awaiting-approval-repository.ts';
import type { EnvironmentRepository } from '../store/repositories/environment-repository.ts';
import type { ProtectedEnvironmentRow } from '../store/repositories/protected-environment-repository.ts';
import { approvalRuleOf, type DeploymentPolicy } from './deployment-policy.ts';

/** A blocked deployment the user may still approve, and where its approvals stand. */
export interface AwaitingApproval {
  deployment: BlockedDeploymentRow;
  approvalState: ApprovalState;
}

/**
 * "Deployments awaiting my approval", across every project the user can read: blocked
 * deployments whose environment's rule, as it is now, counts the user among its approvers (the
 * self-approval rule included), that still need approvals, and on which the user has not decided
 * yet. The same rules decide here as when the user approves (`DeploymentApprovalService.decide`).
 */
export class AwaitingApprovalService {
  readonly #awaiting: AwaitingApprovalRepository;
  readonly #environments: EnvironmentRepository;
  readonly #policy: DeploymentPolicy;

  constructor(deps: {
    awaiting: AwaitingApprovalRepository;
    environments: EnvironmentRepository;
    policy: DeploymentPolicy;
  }) {
    this.#awaiting = deps.awaiting;
    this.#environments = deps.environments;
    this.#policy = deps.policy;
  }

  /**
   * A page of the deployments awaiting the actor's approval, newest first. Eligibility depends on
   * each project's rules (globs, grants by role or user), so it is judged here over the blocked
   * deployments of the actor's projects, which are few: they wait for people.
   */
  async list(actor: Actor, page: PageRequest): Promise<Page<AwaitingApproval>> {
    const projectIds = actor.isAdmin ? null : await this.#environments.memberProjectIds(actor.userId);
    if (projectIds?.length === 0) return { items: [], total: 0, request: page };
    const [candidates, decisions] = await Promise.all([
      this.#awaiting.listUndecided(projectIds, actor.userId),
      this.#awaiting.listDecisions(projectIds),
    ]);
    const judge = new Judge(this.#policy, decisions);
    const awaiting: AwaitingApproval[] = [];
    for (const deployment of candidates) {
      const state = await judge.awaitsApprovalFrom(deployment, actor.userId);
      if (state) awaiting.push({ deployment, approvalState: state });
    }
    const start = offsetOf(page);
    return { items: awaiting.slice(start, start + page.perPage), total: awaiting.length, request: page };
  }
}

/** Applies approval rules to many deployments, reading each rule and each person once. */
class Judge {
  readonly #policy: DeploymentPolicy;
  readonly #decisions = new Map<number, BlockedDeploymentDecision[]>();
  readonly #rules = new Map<string, Promise<ProtectedEnvironmentRow | undefined>>();
  readonly #approvers = new Map<string, Promise<Approver>>();

  constructor(policy: DeploymentPolicy, decisions: BlockedDeploymentDecision[]) {
    this.#policy = policy;
    for (const decision of decisions) {
      const list = this.#decisions.get(decision.deployment_id) ?? [];
      list.push(decision);
      this.#decisions.set(decision.deployment_id, list);
    }
  }

  /** The deployment's approval state if `userId` may approve it and it still needs approvals; else null. */
  async awaitsApprovalFrom(deployment: BlockedDeploymentRow, userId: number): Promise<ApprovalState | null> {
    const projectId = deployment.project_id;
    const row = await this.#rule(projectId, deployment.environment_name);
    if (!row || row.required_approvals <= 0) return null;
    const rule = approvalRuleOf(row);
    if (!mayApprove(rule, await this.#approver(projectId, userId), deployment.user_id).ok) return null;
    const decisions = this.#decisions.get(deployment.id) ?? [];
    const state = approvalState(
      rule,
      await Promise.all(
        decisions.map(async (d) => ({
          user: await this.#approver(projectId, d.user_id),
          status: d.status === 'rejected' ? ('rejected' as const) : ('approved' as const),
        })),
      ),
      deployment.user_id,
    );
    return state.state === 'pending' ? state : null;
  }

  #rule(projectId: number, environmentName: string): Promise<ProtectedEnvironmentRow | undefined> {
    return cached(this.#rules, `${projectId}:${environmentName}`, () =>
      this.#policy.protectedRuleFor(projectId, environmentName),
    );
  }

  #approver(projectId: number, userId: number): Promise<Approver> {
    return cached(this.#approvers, `${projectId}:${userId}`, () => this.#policy.approver(projectId, userId));
  }
}

function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = map.get(key);
  if (value === undefined) {
    value = load();
    map.set(key, value);
  }
  return value;
}
