import { type KubeObject, type ObjectRef, refKey, refOf } from './kube-object.ts';
import { containersOf } from './pod-templates.ts';

/** A container that kept the image it runs now (for the job log). */
export interface KeptImage {
  ref: ObjectRef;
  container: string;
  /** The live image, kept. */
  image: string;
  /** The image the rendered manifest asked for (undefined when it named none). */
  rendered: string | undefined;
}

/**
 * A partial rollout (`deploy:containers`): in every workload that exists in the cluster, each
 * container not in `containers` keeps the image its live object runs, so only the listed
 * containers change. A workload not live yet (a first deploy), and a container its live object
 * lacks, stay as rendered: there is no running image to keep. Workloads with a live object are
 * copied; the input is not changed.
 * @param objects rendered objects with their namespace filled in (see `defaultNamespaces`), so
 *   that their keys match the live objects'.
 * @param live the live objects by `refKey(refOf(object))`.
 */
export function keepLiveImages(
  objects: readonly KubeObject[],
  live: ReadonlyMap<string, KubeObject>,
  containers: readonly string[],
): { objects: KubeObject[]; kept: KeptImage[] } {
  const changing = new Set(containers);
  const kept: KeptImage[] = [];
  const result = objects.map((object) => {
    const liveObject = live.get(refKey(refOf(object)));
    if (!liveObject || containersOf(object).length === 0) return object;
    const liveImages = new Map(
      containersOf(liveObject).map((container) => [container.name, container.image]),
    );
    const copy = structuredClone(object);
    for (const container of containersOf(copy)) {
      const image = liveImages.get(container.name);
      if (changing.has(container.name) || image === undefined) continue;
      kept.push({ ref: refOf(copy), container: container.name, image, rendered: container.image });
      container.image = image;
    }
    return copy;
  });
  return { objects: result, kept };
}
