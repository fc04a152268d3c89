/** The actions the API accepts on a job, as `/projects/:id/jobs/:job_id/<action>` names them. */
export type JobAction = 'play' | 'retry' | 'cancel';

/** Statuses a job ends in (only a retry, a new job, runs it again). */
const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);
/** Statuses cancelling stops: waiting or running. */
const CANCELABLE = new Set(['created', 'pending', 'running', 'manual', 'scheduled', 'waiting_for_resource']);

/** Whether a job or pipeline status is final. */
export function isFinishedStatus(status: string): boolean {
  return FINISHED.has(status);
}

/**
 * The actions a job allows now, in the order they are offered, mirroring the API's checks:
 * play a manual or delayed job, retry the latest attempt of a finished one (skipped jobs run again
 * through their pipeline's retry), cancel anything waiting or running.
 */
export function jobActions(job: { status: string; retried: boolean }): JobAction[] {
  const actions: JobAction[] = [];
  if (job.status === 'manual' || job.status === 'scheduled') actions.push('play');
  if (!job.retried && ['success', 'failed', 'canceled'].includes(job.status)) actions.push('retry');
  if (CANCELABLE.has(job.status)) actions.push('cancel');
  return actions;
}

/** The actions a pipeline allows now: cancel while jobs wait or run, retry once it failed or was canceled. */
export function pipelineActions(pipeline: {
  status: string;
  yaml_errors: string | null;
}): ('retry' | 'cancel')[] {
  const actions: ('retry' | 'cancel')[] = [];
  if (pipeline.yaml_errors === null && (pipeline.status === 'failed' || pipeline.status === 'canceled'))
    actions.push('retry');
  if (!isFinishedStatus(pipeline.status)) actions.push('cancel');
  return actions;
}

/**
 * What running a job does to an environment (deploy to it, or stop it), so play and retry can be
 * confirmed first; null for a job that touches none (or only prepares, verifies or accesses one).
 */
export function environmentChange(job: {
  environment: { name: string; action: string } | null;
}): { verb: 'deploy to' | 'stop'; environment: string } | null {
  if (job.environment?.action === 'start') return { verb: 'deploy to', environment: job.environment.name };
  if (job.environment?.action === 'stop') return { verb: 'stop', environment: job.environment.name };
  return null;
}
