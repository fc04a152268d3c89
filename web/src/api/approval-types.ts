import type { Deployment } from './types.ts';

/** Where a deployment's approvals stand under its environment's rule as it is now. */
export interface ApprovalState {
  state: 'not_required' | 'pending' | 'approved' | 'rejected';
  approved_count: number;
  required_count: number;
}

/**
 * A blocked deployment the current user may approve and has not decided on yet
 * (`GET /deployments/awaiting_approval`): the deployment, its project, its approvals so far.
 */
export interface AwaitingApproval extends Deployment {
  tag: boolean;
  environment: { id: number; name: string; slug: string };
  deployable: { id: number; name: string; status?: string } | null;
  pipeline_id: number | null;
  project: { id: number; path_with_namespace: string };
  approval_state: ApprovalState;
}

/** A decision as `POST /projects/:id/deployments/:deployment_id/approval` takes it. */
export interface ApprovalDecision {
  status: 'approved' | 'rejected';
  comment?: string;
  /** "Approve and deploy": also start the deployment, as the approver. */
  deploy?: boolean;
}

/** The answer to a decision. */
export interface ApprovalSummary {
  deployment_id: number;
  status: 'approved' | 'rejected';
  approval_state: ApprovalState;
}
