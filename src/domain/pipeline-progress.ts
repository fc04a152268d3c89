import type { JobStatus, JobWhen } from './job-status.ts';

/** What the progress rules need to know about a job (the latest attempt of each name). */
export interface ProgressJob {
  id: number;
  name: string;
  stageIndex: number;
  status: JobStatus;
  when: JobWhen;
  allowFailure: boolean;
  /** Job names from `needs:`; null when the job follows stage order. */
  needs: Array<{ job: string; optional: boolean }> | null;
}

export type ProgressDecision =
  | { id: number; to: 'pending' | 'manual' | 'skipped' }
  | { id: number; to: 'scheduled' };

/**
 * A manual job that others must wait for: `when: manual` with `allow_failure: false` (GitLab's
 * "blocking" manual job). Non-blocking manual jobs count as done for the jobs after them.
 */
export function isBlockingManual(job: ProgressJob): boolean {
  return job.status === 'manual' && !job.allowFailure;
}

/** How the jobs a job waits for ended: all fine, one failed (without allow_failure), or still going. */
type Outcome = 'success' | 'failed' | 'waiting';

function outcomeOf(predecessors: ProgressJob[]): Outcome {
  let failed = false;
  for (const job of predecessors) {
    if (job.status === 'manual') {
      if (!job.allowFailure) return 'waiting';
      continue;
    }
    if (job.status === 'failed') {
      if (!job.allowFailure) failed = true;
      continue;
    }
    if (job.status === 'canceled') {
      failed = true;
      continue;
    }
    if (job.status === 'success' || job.status === 'skipped') continue;
    return 'waiting';
  }
  return failed ? 'failed' : 'success';
}

/**
 * Decides, for every `created` job, whether it can move on: to `pending` (run it), `manual` (wait
 * for a person), `scheduled` (a delayed job's timer starts) or `skipped` (its `when` does not match
 * how the jobs before it ended). A job waits for its `needs`, or without `needs` for every job of
 * earlier stages. Pure: the caller applies the decisions and calls again until nothing changes.
 */
export function decideProgress(jobs: ProgressJob[]): ProgressDecision[] {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const decisions: ProgressDecision[] = [];
  for (const job of jobs) {
    if (job.status !== 'created') continue;
    const predecessors =
      job.needs === null
        ? jobs.filter((other) => other.stageIndex < job.stageIndex)
        : job.needs.flatMap((need) => {
            const found = byName.get(need.job);
            return found ? [found] : [];
          });
    const outcome = outcomeOf(predecessors);
    if (outcome === 'waiting') continue;
    const to = decide(job.when, outcome);
    decisions.push({ id: job.id, to });
  }
  return decisions;
}

function decide(
  when: JobWhen,
  outcome: 'success' | 'failed',
): 'pending' | 'manual' | 'scheduled' | 'skipped' {
  switch (when) {
    case 'on_success':
      return outcome === 'success' ? 'pending' : 'skipped';
    case 'on_failure':
      return outcome === 'failed' ? 'pending' : 'skipped';
    case 'always':
      return 'pending';
    case 'manual':
      return outcome === 'success' ? 'manual' : 'skipped';
    case 'delayed':
      return outcome === 'success' ? 'scheduled' : 'skipped';
  }
}
