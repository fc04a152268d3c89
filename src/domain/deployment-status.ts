/** Deployment statuses, as GitLab names them. */
export const DEPLOYMENT_STATUSES = [
  'created',
  'blocked',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** What a deployment does to its environment: deploy to it, or stop it. */
export const DEPLOYMENT_ACTIONS = ['start', 'stop'] as const;
export type DeploymentAction = (typeof DEPLOYMENT_ACTIONS)[number];

/** A deployment has finished for good; a retry or re-deploy makes a new deployment. */
export function isDeploymentFinished(status: DeploymentStatus): boolean {
  return status === 'success' || status === 'failed' || status === 'canceled' || status === 'skipped';
}

const TRANSITIONS: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  // A deployment follows its job, which may finish without ever running (skipped, canceled, or
  // failed before start), so both waiting statuses may jump straight to a finished one.
  created: ['blocked', 'running', 'success', 'failed', 'canceled', 'skipped'],
  // Unblocked (approved, or the manual job played) goes back to created until the job runs.
  blocked: ['created', 'running', 'success', 'failed', 'canceled', 'skipped'],
  running: ['success', 'failed', 'canceled'],
  success: [],
  failed: [],
  canceled: [],
  skipped: [],
};

/** Whether a deployment may move from one status to another; anything else is a stale update. */
export function mayTransitionDeployment(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a deployment may leave to reach `to` (for guarded updates: `WHERE status IN (...)`). */
export function statusesLeadingToDeployment(to: DeploymentStatus): DeploymentStatus[] {
  return DEPLOYMENT_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}

/**
 * The status of a deployment made by a job in `jobStatus`, as GitLab derives it: a manual job, or
 * one waiting for approval, blocks its deployment; a job waiting for its resource group otherwise
 * counts as created. `jobStatus` is a string because `waiting_for_resource` is a job status only
 * deployment jobs reach.
 * @throws Error for a status no job has: a bug, not a user error.
 */
export function deploymentStatusForJob(
  jobStatus: string,
  options: { awaitingApproval: boolean },
): DeploymentStatus {
  switch (jobStatus) {
    case 'manual':
      return 'blocked';
    case 'waiting_for_resource':
      return options.awaitingApproval ? 'blocked' : 'created';
    case 'created':
    case 'pending':
    case 'scheduled':
      return 'created';
    case 'running':
    case 'success':
    case 'failed':
    case 'canceled':
    case 'skipped':
      return jobStatus;
    default:
      throw new Error(`unknown job status "${jobStatus}"`);
  }
}
