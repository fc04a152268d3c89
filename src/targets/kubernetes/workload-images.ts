import type { DeployedImage } from '../../domain/deployment-snapshot.ts';
import type { KubeObject } from './kube-object.ts';
import { containersOf } from './pod-templates.ts';

/**
 * The image of every container (init containers included) of the workloads among `objects`, one
 * per container name (a later one wins), without digests: what a deployment applies, before the
 * cluster or the Podman host says which digest runs.
 */
export function workloadImages(objects: readonly KubeObject[]): DeployedImage[] {
  const images = new Map<string, DeployedImage>();
  for (const object of objects) {
    for (const container of containersOf(object)) {
      if (container.image)
        images.set(container.name, { container: container.name, image: container.image, digest: null });
    }
  }
  return [...images.values()];
}
