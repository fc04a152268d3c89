import type { KubeObject } from '../kube-object.ts';
import { type Condition, findCondition, isConditionTrue } from './condition.ts';
import { degraded, type HealthStatus, healthy, progressing } from './health-status.ts';

/** The fields of a `batch/v1` Job that its health depends on. */
export interface JobObject extends KubeObject {
  spec?: { completions?: number; suspend?: boolean };
  status?: { active?: number; succeeded?: number; failed?: number; conditions?: Condition[] };
}

/**
 * A Job is healthy once it has completed and degraded once it has failed. `FailureTarget` counts as
 * failed: the controller sets it as soon as the outcome is decided, before the pods have terminated
 * and `Failed` follows.
 */
export function jobHealth(job: JobObject): HealthStatus {
  const { spec = {}, status = {} } = job;
  const failure = ['Failed', 'FailureTarget']
    .map((type) => findCondition(status.conditions, type))
    .find((condition) => condition?.status === 'True');
  if (failure) return degraded(`failed: ${[failure.reason, failure.message].filter(Boolean).join(': ')}`);
  const succeeded = status.succeeded ?? 0;
  if (isConditionTrue(status.conditions, 'Complete')) return healthy(`completed (${succeeded} succeeded)`);
  if (spec.suspend) return progressing('suspended');
  const counts = [
    `${succeeded} of ${spec.completions ?? 1} completions succeeded`,
    `${status.active ?? 0} active`,
  ];
  if (status.failed) counts.push(`${status.failed} failed`);
  return progressing(counts.join(', '));
}
