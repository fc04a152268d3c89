import type { KubeObject } from '../kube-object.ts';
import { degraded, type HealthStatus, healthy, progressing } from './health-status.ts';

/** The fields of a PersistentVolumeClaim that its health depends on. */
export interface PersistentVolumeClaimObject extends KubeObject {
  spec?: { volumeName?: string; storageClassName?: string };
  status?: { phase?: 'Pending' | 'Bound' | 'Lost' };
}

/**
 * Bound is healthy; Lost (its volume is gone) is degraded; Pending waits — for a provisioner, a
 * matching volume, or with a `WaitForFirstConsumer` class for the first pod that uses the claim.
 */
export function persistentVolumeClaimHealth(claim: PersistentVolumeClaimObject): HealthStatus {
  const volume = claim.spec?.volumeName;
  switch (claim.status?.phase) {
    case 'Bound':
      return healthy(`bound to volume ${volume}`);
    case 'Lost':
      return degraded(`lost its volume ${volume}`);
    default:
      return progressing(
        `pending: waiting for a volume${claim.spec?.storageClassName ? ` of class ${claim.spec.storageClassName}` : ''}`,
      );
  }
}
