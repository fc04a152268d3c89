import type { PodmanSnapshot } from '../../domain/deployment-snapshot.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { PROJECT_LABEL } from '../kubernetes/gantry-metadata.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { removePods } from './pod-removal.ts';
import { openPodmanHost, type PodmanAccess } from './podman-connection.ts';
import { isPodmanWorkload } from './podman-objects.ts';

/**
 * Takes down a Podman deployment (the teardown step of `TargetTeardown`), as `podman kube down`
 * of what it played: its containers and pods go; its named volumes (the claims) stay, with their
 * data, for the next deployment — as `kube down` leaves them. Pods of the same names that another
 * project owns (names can collide across projects) stay.
 */
export async function removePodmanDeployment(
  target: TargetRow,
  snapshot: PodmanSnapshot,
  access: PodmanAccess,
): Promise<void> {
  const workloads = (snapshot.manifests as KubeObject[]).filter(isPodmanWorkload);
  if (workloads.length === 0) return;
  const projectId = workloadsProject(workloads);
  const host = await openPodmanHost(target, access);
  try {
    await removePods(host, workloads, projectId);
  } finally {
    await host.close();
  }
}

/**
 * The project whose deployment played these workloads: the deployer labels every one with it.
 * @throws Error when the first carries no valid `gantry.dev/project` label.
 */
export function workloadsProject(workloads: readonly KubeObject[]): number {
  const label = workloads[0]?.metadata.labels?.[PROJECT_LABEL];
  const id = Number(label);
  if (label === undefined || !Number.isSafeInteger(id) || id <= 0) {
    throw new Error(
      `the deployment's snapshot has no ${PROJECT_LABEL} label on its workloads (found ${JSON.stringify(label ?? null)}): its pods are left as they are`,
    );
  }
  return id;
}
