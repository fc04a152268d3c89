import {
  type ApprovalRule,
  type ApprovalState,
  type Approver,
  approvalState,
  type Grant,
  mayDeploy,
} from '../domain/deployment-approval.ts';
import { compareScopeSpecificity, scopeMatches } from '../domain/environment-scope.ts';
import { type ActiveFreeze, activeFreeze, type FreezePeriod } from '../domain/freeze-window.ts';
import type { DeploymentApprovalRepository } from '../store/repositories/deployment-approval-repository.ts';
import type {
  FreezePeriodRepository,
  FreezePeriodRow,
} from '../store/repositories/freeze-period-repository.ts';
import type { MemberRepository } from '../store/repositories/member-repository.ts';
import type {
  ProtectedEnvironmentRepository,
  ProtectedEnvironmentRow,
} from '../store/repositories/protected-environment-repository.ts';
import type { UserRepository } from '../store/repositories/user-repository.ts';

/** Reads a stored JSON `Grant[]`, keeping only well-formed grants. */
export function parseGrants(json: string): Grant[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const grants: Grant[] = [];
  for (const item of parsed as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const grant = item as Record<string, unknown>;
    if (typeof grant.userId === 'number') grants.push({ userId: grant.userId });
    else if (typeof grant.accessLevel === 'number') grants.push({ accessLevel: grant.accessLevel });
  }
  return grants;
}

/** The approval rule a protected environment row states. */
export function approvalRuleOf(row: ProtectedEnvironmentRow): ApprovalRule {
  return {
    requiredApprovals: row.required_approvals,
    approvers: parseGrants(row.approvers),
    allowSelfApproval: row.allow_self_approval === 1,
  };
}

/** A stored freeze period in the domain's terms. */
export function freezePeriodOf(row: FreezePeriodRow): FreezePeriod {
  return {
    id: row.id,
    freezeStart: row.freeze_start,
    freezeEnd: row.freeze_end,
    cronTimezone: row.cron_timezone,
    projectId: row.project_id,
    environmentScope: row.environment_scope,
  };
}

/**
 * What governs a deployment, read from the database: the protected environment rule that applies,
 * who may deploy, where its approvals stand, and whether a freeze is in force. The deploy engine
 * asks it right before a deployment runs; the approval service uses it for eligibility.
 */
export class DeploymentPolicy {
  readonly #rules: ProtectedEnvironmentRepository;
  readonly #approvals: DeploymentApprovalRepository;
  readonly #freezes: FreezePeriodRepository;
  readonly #members: MemberRepository;
  readonly #users: UserRepository;

  constructor(deps: {
    protectedEnvironments: ProtectedEnvironmentRepository;
    approvals: DeploymentApprovalRepository;
    freezePeriods: FreezePeriodRepository;
    members: MemberRepository;
    users: UserRepository;
  }) {
    this.#rules = deps.protectedEnvironments;
    this.#approvals = deps.approvals;
    this.#freezes = deps.freezePeriods;
    this.#members = deps.members;
    this.#users = deps.users;
  }

  /**
   * The protected environment rule for an environment: of the rules whose name or glob matches,
   * the most specific (the exact name over globs, then the glob with more literal characters).
   */
  async protectedRuleFor(
    projectId: number,
    environmentName: string,
  ): Promise<ProtectedEnvironmentRow | undefined> {
    const matching = (await this.#rules.list(projectId)).filter((row) =>
      scopeMatches(row.name, environmentName),
    );
    matching.sort((a, b) => compareScopeSpecificity(a.name, b.name, environmentName));
    return matching.at(-1);
  }

  /** A user as approval and deploy rules judge them: project access level now, and admin flag. */
  async approver(projectId: number, userId: number): Promise<Approver> {
    const [accessLevel, user] = await Promise.all([
      this.#members.accessLevel(projectId, userId),
      this.#users.findById(userId),
    ]);
    return { userId, accessLevel, isAdmin: user?.is_admin === 1 };
  }

  /**
   * Where a deployment's approvals stand under the environment's current rule: every recorded
   * decision is judged against the rule as it is now (`not_required` when no rule needs approvals).
   */
  async approvalState(
    deployment: { id: number; project_id: number; user_id: number | null },
    environmentName: string,
  ): Promise<ApprovalState> {
    const row = await this.protectedRuleFor(deployment.project_id, environmentName);
    if (!row || row.required_approvals <= 0) return approvalState(null, [], deployment.user_id);
    const decisions = await this.#approvals.listForDeployment(deployment.id);
    const approvers = new Map<number, Approver>();
    for (const userId of new Set(decisions.map((d) => d.user_id))) {
      approvers.set(userId, await this.approver(deployment.project_id, userId));
    }
    return approvalState(
      approvalRuleOf(row),
      decisions.map((d) => ({
        user: approvers.get(d.user_id)!,
        status: d.status === 'rejected' ? 'rejected' : 'approved',
      })),
      deployment.user_id,
    );
  }

  /**
   * Whether a user may deploy to an environment. Unprotected: yes (whoever may run the job may
   * deploy). Protected: the rule's deploy grants decide (maintainers when it lists none); the
   * system (`userId` null) may deploy only to unprotected environments.
   */
  async mayDeploy(userId: number | null, projectId: number, environmentName: string): Promise<boolean> {
    const row = await this.protectedRuleFor(projectId, environmentName);
    if (!row) return true;
    if (userId === null) return false;
    return mayDeploy(parseGrants(row.deploy_access), await this.approver(projectId, userId));
  }

  /** The freeze in force for a deployment to the environment at `now`: project and instance periods. */
  async activeFreeze(projectId: number, environmentName: string, now: Date): Promise<ActiveFreeze | null> {
    const periods = (await this.#freezes.listApplicable(projectId)).map(freezePeriodOf);
    return activeFreeze(periods, environmentName, now);
  }
}
