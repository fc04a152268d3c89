import type { KubeObject } from '../kube-object.ts';
import { type HealthStatus, healthy, progressing } from './health-status.ts';

/** The fields of an `apps/v1` StatefulSet that its health depends on. */
export interface StatefulSetObject extends KubeObject {
  spec?: {
    replicas?: number;
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number } };
  };
  status?: {
    observedGeneration?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

/**
 * kubectl's rollout rules: the current generation is observed and every desired pod is ready; then,
 * for a rolling update, every pod at or above the partition runs the update revision. With the
 * OnDelete strategy pods take a new template only when someone deletes them, so ready pods are enough.
 */
export function statefulSetHealth(statefulSet: StatefulSetObject): HealthStatus {
  const { spec = {}, status = {} } = statefulSet;
  const generation = statefulSet.metadata.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  if (observed === 0 || observed < generation) {
    return progressing(
      `waiting for the controller to observe generation ${generation} (observed ${observed})`,
    );
  }
  const desired = spec.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  if (ready < desired) return progressing(`${ready} of ${desired} pods ready`);
  if (spec.updateStrategy?.type === 'OnDelete') {
    return healthy(`${ready} of ${desired} pods ready (OnDelete: pods take a new template when deleted)`);
  }
  const updated = status.updatedReplicas ?? 0;
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    const toUpdate = Math.max(desired - partition, 0);
    if (updated < toUpdate)
      return progressing(`${updated} of ${toUpdate} pods updated above partition ${partition}`);
    return healthy(`${updated} of ${toUpdate} pods updated above partition ${partition}`);
  }
  if (status.updateRevision !== status.currentRevision) {
    return progressing(`${updated} of ${desired} pods updated to revision ${status.updateRevision}`);
  }
  return healthy(`${ready} of ${desired} pods ready at revision ${status.updateRevision}`);
}
