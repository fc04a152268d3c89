import type { ApprovalState } from '../api/approval-types.ts';

/**
 * Whether one more approval completes the approvals a deployment needs. Only then is "approve and
 * deploy" offered: with approvals still missing afterwards the deployment could not start, and the
 * API would record the approval but refuse the deploy.
 */
export function completesApprovals(state: ApprovalState): boolean {
  return state.approved_count + 1 >= state.required_count;
}

/** `1 of 2 approvals`. */
export function approvalProgress(state: ApprovalState): string {
  return `${state.approved_count} of ${state.required_count} approval${state.required_count === 1 ? '' : 's'}`;
}

/** What a decision led to, in a sentence for the page's status line. */
export function decisionOutcome(
  decision: 'approved' | 'approved and deployed' | 'rejected',
  state: ApprovalState,
): string {
  if (decision === 'rejected') return 'Rejected: the deployment will not run.';
  if (state.state !== 'approved') {
    const missing = state.required_count - state.approved_count;
    return `Approved: ${missing} more approval${missing === 1 ? '' : 's'} needed.`;
  }
  return decision === 'approved and deployed'
    ? 'Approved and deployed: the deployment starts now.'
    : 'Approved: every approval is in. A deployment that runs by itself starts now; a manual one waits for someone to deploy it.';
}
