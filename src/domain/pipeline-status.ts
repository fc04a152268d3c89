import type { JobStatus } from './job-status.ts';

/** Pipeline statuses, as GitLab names them. */
export type PipelineStatus =
  | 'created'
  | 'pending'
  | 'running'
  | 'success'
  | 'failed'
  | 'canceled'
  | 'skipped'
  | 'manual'
  | 'scheduled';

export function isPipelineFinished(status: PipelineStatus): boolean {
  return status === 'success' || status === 'failed' || status === 'canceled' || status === 'skipped';
}

/**
 * A pipeline's status from its jobs' (latest attempts only), after GitLab's composite status:
 * anything running or queued makes it running (pending before any job started); a blocking manual
 * job (allow_failure false) with nothing else to do makes it `manual`; a delayed job `scheduled`;
 * once all are done, a failure without allow_failure makes it failed, then canceled, then success
 * (all skipped: skipped). Jobs never created leave it `created`.
 */
export function pipelineStatusOf(jobs: Array<{ status: JobStatus; allowFailure: boolean }>): PipelineStatus {
  if (jobs.length === 0) return 'skipped';
  const has = (status: JobStatus) => jobs.some((job) => job.status === status);
  const started = jobs.some(
    (job) => job.status !== 'created' && job.status !== 'pending' && job.status !== 'waiting_for_resource',
  );
  if (has('running')) return 'running';
  if (has('pending') || has('waiting_for_resource')) return started ? 'running' : 'pending';
  if (has('created')) {
    // Jobs waiting on others that are neither running nor queued: only a manual job or a timer can move them.
    if (jobs.some((job) => job.status === 'manual' && !job.allowFailure)) return 'manual';
    if (has('scheduled')) return 'scheduled';
    return started ? 'running' : 'created';
  }
  if (jobs.some((job) => job.status === 'manual' && !job.allowFailure)) return 'manual';
  if (has('scheduled')) return 'scheduled';
  if (jobs.some((job) => job.status === 'failed' && !job.allowFailure)) return 'failed';
  if (has('canceled')) return 'canceled';
  const meaningful = jobs.filter((job) => job.status !== 'manual');
  if (meaningful.length > 0 && meaningful.every((job) => job.status === 'skipped')) return 'skipped';
  return 'success';
}
