/** Job statuses, as GitLab names them. */
export const JOB_STATUSES = [
  'created',
  'pending',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
  'manual',
  'scheduled',
  'waiting_for_resource',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type JobWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed';

/** A job has finished for good (only a retry, which makes a new job, can run it again). */
export function isFinished(status: JobStatus): boolean {
  return status === 'success' || status === 'failed' || status === 'canceled' || status === 'skipped';
}

/** A job is waiting to run or running: cancelling a pipeline cancels these. */
export function isCancelable(status: JobStatus): boolean {
  return (
    status === 'created' ||
    status === 'pending' ||
    status === 'running' ||
    status === 'manual' ||
    status === 'scheduled' ||
    status === 'waiting_for_resource'
  );
}

// Deployment jobs and jobs with a resource_group pass through `waiting_for_resource` instead of
// going straight to `pending`: the deployment gate checks approvals, freezes and locks there. A
// deployment awaiting approval parks in `manual`; the built-in deployer runs it without a runner
// (waiting_for_resource → running).
const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  created: ['pending', 'waiting_for_resource', 'manual', 'scheduled', 'skipped', 'canceled'],
  pending: ['running', 'canceled', 'failed'],
  running: ['success', 'failed', 'canceled'],
  manual: ['pending', 'waiting_for_resource', 'canceled', 'skipped'],
  scheduled: ['pending', 'waiting_for_resource', 'manual', 'canceled'],
  waiting_for_resource: ['pending', 'running', 'manual', 'failed', 'canceled'],
  success: [],
  failed: [],
  canceled: [],
  skipped: [],
};

/** Whether a job may move from one status to another; everything else is a bug or a stale request. */
export function mayTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a job may leave to reach `to` (for guarded updates: `WHERE status IN (...)`). */
export function statusesLeadingTo(to: JobStatus): JobStatus[] {
  return JOB_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}
