/** The colour family of a badge. */
export type Tone = 'success' | 'danger' | 'warning' | 'info' | 'neutral';

const TONES: Record<string, Tone> = {
  success: 'success',
  passed: 'success',
  available: 'success',
  healthy: 'success',
  running: 'info',
  pending: 'info',
  preparing: 'info',
  waiting_for_resource: 'info',
  created: 'neutral',
  scheduled: 'neutral',
  manual: 'neutral',
  skipped: 'neutral',
  stopped: 'neutral',
  canceled: 'neutral',
  inactive: 'neutral',
  stopping: 'warning',
  blocked: 'warning',
  approved: 'success',
  rejected: 'danger',
  failed: 'danger',
  error: 'danger',
  failure: 'danger',
  degraded: 'danger',
  drifted: 'warning',
  in_sync: 'success',
  progressing: 'info',
  modified: 'warning',
  missing: 'danger',
  delivered: 'success',
  online: 'success',
  active: 'success',
  offline: 'neutral',
  revoked: 'neutral',
  expired: 'neutral',
  frozen: 'warning',
};

/** Picks the badge colour of a pipeline, job, deployment or environment state. */
export function statusTone(status: string): Tone {
  return TONES[status] ?? 'neutral';
}

/** Human wording of a state: `waiting_for_resource` → `waiting for resource`. */
export function statusLabel(status: string): string {
  return status.replaceAll('_', ' ');
}
