/** How a resource group picks the next job to hold it, as GitLab names its process modes. */
export const PROCESS_MODES = ['unordered', 'oldest_first', 'newest_first', 'newest_ready_first'] as const;
export type ProcessMode = (typeof PROCESS_MODES)[number];

/** A job of a resource group that has not held the resource yet. */
export interface QueuedJob {
  jobId: number;
  pipelineId: number;
  /** Waiting for the resource now; false: upcoming, created but its predecessors are not done. */
  ready: boolean;
}

// Pipelines order deployments (a newer pipeline deploys newer code); within one, the job id.
function compareAge(a: QueuedJob, b: QueuedJob): number {
  return a.pipelineId - b.pipelineId || a.jobId - b.jobId;
}

/**
 * The job that gets the free resource next, or null when none may take it now. `unordered`: the
 * ready job created first. `oldest_first` and `newest_first`: the oldest or newest job of all, and
 * if it is not ready yet the resource waits for it rather than let a job jump the order.
 * `newest_ready_first`: the newest ready job, so a deployment is never held up by one that cannot
 * start yet.
 */
export function nextHolder(mode: ProcessMode, jobs: QueuedJob[]): number | null {
  const ready = jobs.filter((job) => job.ready);
  switch (mode) {
    case 'unordered':
      return ready.length === 0 ? null : Math.min(...ready.map((job) => job.jobId));
    case 'oldest_first':
    case 'newest_first': {
      const sorted = [...jobs].sort(compareAge);
      const next = mode === 'oldest_first' ? sorted[0] : sorted.at(-1);
      return next?.ready ? next.jobId : null;
    }
    case 'newest_ready_first':
      return [...ready].sort(compareAge).at(-1)?.jobId ?? null;
  }
}
