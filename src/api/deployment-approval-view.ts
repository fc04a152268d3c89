import { Type } from 'typebox';
import type { ApprovalState } from '../domain/deployment-approval.ts';
import type { AwaitingApproval } from '../services/awaiting-approval-service.ts';
import type { ApprovalSummary, DeploymentApproval } from '../services/deployment-approval-service.ts';
import type { DeploymentRelations } from '../services/deployment-relations.ts';
import { DeploymentView, deploymentView } from './environment-view.ts';

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

/** Where a deployment's approvals stand under its environment's current rule. */
const ApprovalStateView = Type.Object({
  state: Type.Union([
    Type.Literal('not_required'),
    Type.Literal('pending'),
    Type.Literal('approved'),
    Type.Literal('rejected'),
  ]),
  approved_count: Type.Integer(),
  required_count: Type.Integer(),
});

/** The answer to a decision: what was decided, where the deployment's approvals stand, the history. */
export const ApprovalSummaryView = Type.Object({
  deployment_id: Type.Integer(),
  status: Status,
  approval_state: ApprovalStateView,
  approvals: Type.Array(DeploymentApprovalView),
});

/** A deployment awaiting the current user's approval: the deployment, its project, its approvals so far. */
export const AwaitingApprovalView = Type.Object({
  ...DeploymentView.properties,
  project: Type.Object({ id: Type.Integer(), path_with_namespace: Type.String() }),
  approval_state: ApprovalStateView,
});

export const deploymentApprovalView = (approval: DeploymentApproval) => ({
  id: approval.id,
  user: approval.user,
  status: approval.status,
  comment: approval.comment,
  created_at: approval.createdAt,
});

const approvalStateView = (state: ApprovalState) => ({
  state: state.state,
  approved_count: state.approvedCount,
  required_count: state.requiredCount,
});

export const approvalSummaryView = (summary: ApprovalSummary) => ({
  deployment_id: summary.deploymentId,
  status: summary.status,
  approval_state: approvalStateView(summary.approvalState),
  approvals: summary.approvals.map(deploymentApprovalView),
});

/** `relations` are those of the page's deployments (`DeploymentService.relations`). */
export const awaitingApprovalView = (item: AwaitingApproval, relations: DeploymentRelations) => ({
  ...deploymentView(item.deployment, relations),
  project: { id: item.deployment.project_id, path_with_namespace: item.deployment.project_path },
  approval_state: approvalStateView(item.approvalState),
});

/** Where a deployment's approvals stand under its environment's current rule, and the decisions. */
export const ApprovalStandingView = Type.Object({
  deployment_id: Type.Integer(),
  approval_state: ApprovalStateView,
  approvals: Type.Array(DeploymentApprovalView),
});

export const approvalStandingView = (standing: {
  deploymentId: number;
  approvalState: ApprovalState;
  approvals: DeploymentApproval[];
}) => ({
  deployment_id: standing.deploymentId,
  approval_state: approvalStateView(standing.approvalState),
  approvals: standing.approvals.map(deploymentApprovalView),
});
