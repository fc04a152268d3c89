import type { KubeObject } from '../kube-object.ts';
import { type HealthStatus, healthy, progressing } from './health-status.ts';

/** The fields of an `apps/v1` DaemonSet that its health depends on. */
export interface DaemonSetObject extends KubeObject {
  spec?: { updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete' } };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/**
 * kubectl's rollout rules: the current generation is observed, every node that should run the daemon
 * runs the new template, and every one of those pods is available. With the OnDelete strategy pods
 * take a new template only when someone deletes them, so available pods are enough.
 */
export function daemonSetHealth(daemonSet: DaemonSetObject): HealthStatus {
  const { spec = {}, status = {} } = daemonSet;
  const generation = daemonSet.metadata.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  if (observed < generation) {
    return progressing(
      `waiting for the controller to observe generation ${generation} (observed ${observed})`,
    );
  }
  const desired = status.desiredNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (spec.updateStrategy?.type === 'OnDelete') {
    if (available < desired) return progressing(`${available} of ${desired} pods available`);
    return healthy(
      `${available} of ${desired} pods available (OnDelete: pods take a new template when deleted)`,
    );
  }
  const updated = status.updatedNumberScheduled ?? 0;
  if (updated < desired) return progressing(`${updated} of ${desired} pods updated`);
  if (available < desired) return progressing(`${available} of ${desired} updated pods available`);
  return healthy(`${desired} of ${desired} pods updated and available`);
}
