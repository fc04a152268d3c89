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
    status === 'scheduled'
  );
}

const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  created: ['pending', 'manual', 'scheduled', 'skipped', 'canceled'],
  pending: ['running', 'canceled', 'failed'],
  running: ['success', 'failed', 'canceled'],
  manual: ['pending', 'canceled', 'skipped'],
  scheduled: ['pending', 'manual', 'canceled'],
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
