import { Type } from 'typebox';
import type { ApprovalSummary, DeploymentApproval } from '../services/deployment-approval-service.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Status = Type.Union([Type.Literal('approved'), Type.Literal('rejected')]);

/** One decision on a deployment, as GitLab's deployment approvals show it. */
export const DeploymentApprovalView = Type.Object({
  id: Type.Integer(),
  user: Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String() }),
  status: Status,
  comment: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
});

/** The answer to a decision: what was decided, where the deployment's approvals stand, the history. */
export const ApprovalSummaryView = Type.Object({
  deployment_id: Type.Integer(),
  status: Status,
  approval_state: Type.Object({
    state: Type.Union([
      Type.Literal('not_required'),
      Type.Literal('pending'),
      Type.Literal('approved'),
      Type.Literal('rejected'),
    ]),
    approved_count: Type.Integer(),
    required_count: Type.Integer(),
  }),
  approvals: Type.Array(DeploymentApprovalView),
});

export const deploymentApprovalView = (approval: DeploymentApproval) => ({
  id: approval.id,
  user: approval.user,
  status: approval.status,
  comment: approval.comment,
  created_at: approval.createdAt,
});

export const approvalSummaryView = (summary: ApprovalSummary) => ({
  deployment_id: summary.deploymentId,
  status: summary.status,
  approval_state: {
    state: summary.approvalState.state,
    approved_count: summary.approvalState.approvedCount,
    required_count: summary.approvalState.requiredCount,
  },
  approvals: summary.approvals.map(deploymentApprovalView),
});
