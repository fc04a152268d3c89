import { ACCESS_LEVEL } from './project-role.ts';

/** Who a rule lets act: one user, or everyone whose project access level is at least this. */
export type Grant = { userId: number } | { accessLevel: number };

/** An approval rule on a protected environment: how many approvals a deployment needs, from whom. */
export interface ApprovalRule {
  requiredApprovals: number;
  approvers: Grant[];
  /** Whether the user who triggered the deployment may approve it too. */
  allowSelfApproval: boolean;
}

/** Someone acting on a deployment, as the service looked them up. */
export interface Approver {
  userId: number;
  /** The project access level (20 reporter, 30 developer, 40 maintainer), null if not a member. */
  accessLevel: number | null;
  isAdmin: boolean;
}

export type ApprovalVerdict = { ok: true } | { ok: false; reason: string };

export interface ApprovalState {
  state: 'not_required' | 'pending' | 'approved' | 'rejected';
  approvedCount: number;
  requiredCount: number;
}

/**
 * The access level a user's role grants them: their membership's, raised to maintainer for admins.
 * Admins are not let through every rule, only counted as maintainers, so a rule naming particular
 * users keeps its meaning.
 */
function effectiveAccessLevel(user: Approver): number | null {
  if (!user.isAdmin) return user.accessLevel;
  return Math.max(user.accessLevel ?? 0, ACCESS_LEVEL.maintainer);
}

/**
 * Whether any grant covers the user: their id is listed, or their access level is at least a listed
 * one. Admins count as maintainers (access level 40) unless their membership is higher; they are
 * not matched otherwise. An empty list matches nobody.
 */
export function grantMatches(grants: Grant[], user: Approver): boolean {
  const level = effectiveAccessLevel(user);
  return grants.some((grant) =>
    'userId' in grant ? grant.userId === user.userId : level !== null && level >= grant.accessLevel,
  );
}

/**
 * Whether the user may approve a deployment under the rule: they must be one of its approvers and,
 * unless the rule allows it, not the user who triggered the deployment (`triggeredBy`, null when no
 * user did).
 */
export function mayApprove(rule: ApprovalRule, user: Approver, triggeredBy: number | null): ApprovalVerdict {
  if (!grantMatches(rule.approvers, user)) {
    return { ok: false, reason: `user ${user.userId} is not an approver for this environment` };
  }
  if (!rule.allowSelfApproval && triggeredBy !== null && user.userId === triggeredBy) {
    return { ok: false, reason: 'the user who triggered a deployment may not approve it' };
  }
  return { ok: true };
}

/**
 * Where a deployment's approvals stand under the current rule. Approvals are kept as recorded and
 * judged against the rule as it is now, so changing the rule re-counts them: an approval by a user
 * who is no longer eligible stops counting, and a user counts once however many approvals they
 * recorded. A rejection by any current approver rejects the deployment; rejecting one's own
 * deployment is allowed (as in GitLab), since the self-approval rule only guards approvals.
 */
export function approvalState(
  rule: ApprovalRule | null,
  approvals: Array<{ user: Approver; status: 'approved' | 'rejected' }>,
  triggeredBy: number | null,
): ApprovalState {
  if (rule === null || rule.requiredApprovals <= 0) {
    return { state: 'not_required', approvedCount: 0, requiredCount: 0 };
  }
  const requiredCount = rule.requiredApprovals;
  const approvers = new Set<number>();
  let rejected = false;
  for (const { user, status } of approvals) {
    if (status === 'rejected') {
      if (grantMatches(rule.approvers, user)) rejected = true;
    } else if (mayApprove(rule, user, triggeredBy).ok) {
      approvers.add(user.userId);
    }
  }
  const approvedCount = approvers.size;
  const state = rejected ? 'rejected' : approvedCount >= requiredCount ? 'approved' : 'pending';
  return { state, approvedCount, requiredCount };
}

/**
 * Whether the user may deploy to a protected environment with these deploy grants. An empty list
 * means maintainers and admins, Gantry's choice where GitLab would let nobody deploy: a protected
 * environment nobody can deploy to is a mistake, and maintainers could change the list anyway.
 */
export function mayDeploy(deployAccess: Grant[], user: Approver): boolean {
  if (deployAccess.length === 0) {
    const level = effectiveAccessLevel(user);
    return level !== null && level >= ACCESS_LEVEL.maintainer;
  }
  return grantMatches(deployAccess, user);
}
