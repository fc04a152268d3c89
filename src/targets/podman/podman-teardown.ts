import type { PodmanSnapshot } from '../../domain/deployment-snapshot.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { removePods } from './pod-removal.ts';
import { openPodmanHost, type PodmanAccess } from './podman-connection.ts';

/**
 * Takes down a Podman deployment (the teardown step of `TargetTeardown`), as `podman kube down`
 * of what it played: its containers and pods go; its named volumes (the claims) stay, with their
 * data, for the next deployment — as `kube down` leaves them.
 */
export async function removePodmanDeployment(
  target: TargetRow,
  snapshot: PodmanSnapshot,
  access: PodmanAccess,
): Promise<void> {
  const host = await openPodmanHost(target, access);
  try {
    await removePods(host, snapshot.manifests as KubeObject[]);
  } finally {
    await host.close();
  }
}
