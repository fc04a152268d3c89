import type { KubeObject } from '../kube-object.ts';
import { type Condition, findCondition, isConditionTrue } from './condition.ts';
import { degraded, type HealthStatus, healthy, progressing } from './health-status.ts';

/** The fields of an `apps/v1` Deployment that its health depends on. */
export interface DeploymentObject extends KubeObject {
  spec?: { replicas?: number; paused?: boolean };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: Condition[];
  };
}

/**
 * kubectl's rollout rules plus the Available condition: the controller has observed the current
 * generation, every desired replica runs the new template, no old replica is left, every updated
 * replica is available. An exceeded progress deadline is degraded; so is a paused Deployment whose
 * rollout is unfinished, since nothing moves until someone resumes it.
 */
export function deploymentHealth(deployment: DeploymentObject): HealthStatus {
  const { spec = {}, status = {} } = deployment;
  const generation = deployment.metadata.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  if (observed < generation) {
    return progressing(
      `waiting for the controller to observe generation ${generation} (observed ${observed})`,
    );
  }
  const progress = findCondition(status.conditions, 'Progressing');
  if (progress?.reason === 'ProgressDeadlineExceeded') {
    return degraded(`exceeded its progress deadline${progress.message ? `: ${progress.message}` : ''}`);
  }
  const unfinished = unfinishedRollout(spec.replicas ?? 1, status);
  if (unfinished)
    return spec.paused
      ? degraded(`paused before its rollout finished: ${unfinished}`)
      : progressing(unfinished);
  if (!isConditionTrue(status.conditions, 'Available')) {
    const available = findCondition(status.conditions, 'Available');
    return progressing(
      `waiting for the Available condition${available?.message ? `: ${available.message}` : ''}`,
    );
  }
  return healthy(`${status.updatedReplicas ?? 0} of ${spec.replicas ?? 1} replicas updated and available`);
}

/** What kubectl's `rollout status` would still wait for, or undefined when the rollout is complete. */
function unfinishedRollout(
  desired: number,
  status: NonNullable<DeploymentObject['status']>,
): string | undefined {
  const updated = status.updatedReplicas ?? 0;
  const old = (status.replicas ?? 0) - updated;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) return `${updated} of ${desired} replicas updated`;
  if (old > 0) return `${old} old ${old === 1 ? 'replica' : 'replicas'} pending termination`;
  if (available < updated) return `${available} of ${updated} updated replicas available`;
  return undefined;
}
