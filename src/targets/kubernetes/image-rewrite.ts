import { GantryError } from '../../domain/errors.ts';
import { type KubeObject, type ObjectRef, refOf } from './kube-object.ts';
import { containersOf } from './pod-templates.ts';

/** One container whose image `deploy:images` set (for the job log). */
export interface ImageChange {
  ref: ObjectRef;
  container: string;
  /** The image the manifest had; undefined when it named none. */
  from: string | undefined;
  to: string;
}

/**
 * Sets the image of every container and init container named in `images` (container name →
 * image, `deploy:images` after variable expansion), in the pod specs of Pods, Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs. The input is not changed: objects with
 * a rewritten container are copies, the others are returned as they are.
 * @throws GantryError('validation_failed') when an entry names a container no workload has, a typo
 *   that would otherwise deploy the old image silently.
 */
export function rewriteImages(
  objects: readonly KubeObject[],
  images: Readonly<Record<string, string>>,
): { objects: KubeObject[]; changes: ImageChange[] } {
  const changes: ImageChange[] = [];
  const rewritten = objects.map((object) => {
    if (!containersOf(object).some((container) => Object.hasOwn(images, container.name))) return object;
    const copy = structuredClone(object);
    for (const container of containersOf(copy)) {
      if (!Object.hasOwn(images, container.name)) continue;
      const to = images[container.name]!;
      changes.push({ ref: refOf(copy), container: container.name, from: container.image, to });
      container.image = to;
    }
    return copy;
  });
  const unused = Object.keys(images).filter((name) => !changes.some((change) => change.container === name));
  if (unused.length > 0) {
    const names = unused.length === 1 ? `container ${unused[0]}` : `containers ${unused.join(', ')}`;
    throw new GantryError('validation_failed', `deploy:images names ${names}, which no workload has`);
  }
  return { objects: rewritten, changes };
}
