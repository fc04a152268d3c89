import type { KubeObject } from '../kubernetes/kube-object.ts';
import { ownPods } from './host-ownership.ts';
import type { PodmanHost } from './podman-host.ts';
import { podmanPods } from './podman-objects.ts';

/** Seconds a container gets between SIGTERM and SIGKILL when its pod is removed (Kubernetes' default grace is 30). */
const STOP_GRACE_SECONDS = 10;

/**
 * Removes the pods of the workloads among `objects` — what `podman kube down` of them does: their
 * containers stop and go, named volumes stay — tolerating pods already gone (`kube down` fails on
 * the first missing one and leaves the rest). Only project `projectId`'s pods go: a pod of the same
 * name that another project's environment owns (their names collided) stays.
 * @returns the names of the pods removed.
 */
export async function removePods(
  host: PodmanHost,
  objects: readonly KubeObject[],
  projectId: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const named = podmanPods(objects).map((pod) => pod.pod);
  if (named.length === 0) return [];
  const pods = await ownPods(host, named, projectId, signal);
  if (pods.length === 0) return [];
  await host.run(['pod', 'rm', '--force', '--ignore', '--time', String(STOP_GRACE_SECONDS), ...pods], {
    ...(signal && { signal }),
  });
  return pods;
}
