import { GantryError } from '../../domain/errors.ts';
import type { EnvironmentContainer, EnvironmentPod } from './environment-pods.ts';

/** A container of one of the environment's pods. */
export interface SelectedContainer {
  pod: string;
  /** As declared (`web`). */
  container: string;
  /** Podman's name: `podman kube play` names a pod's containers `<pod>-<container>`. */
  podmanName: string;
  state: EnvironmentContainer;
}

/**
 * The containers a request names, in the pods' order (pure): every container of the environment,
 * of one pod, or of that name in any pod.
 * @throws GantryError('not_found') naming what exists when `pod` or `container` names nothing.
 */
export function selectContainers(
  pods: readonly EnvironmentPod[],
  wanted: { pod?: string | undefined; container?: string | undefined },
): SelectedContainer[] {
  const inPods = wanted.pod === undefined ? pods : pods.filter((pod) => pod.name === wanted.pod);
  if (wanted.pod !== undefined && inPods.length === 0) {
    throw new GantryError(
      'not_found',
      `pod ${wanted.pod} is not one of the environment's pods (${list(pods.map((pod) => pod.name))})`,
    );
  }
  const selected = inPods.flatMap((pod) =>
    pod.containers
      .filter((container) => wanted.container === undefined || container.name === wanted.container)
      .map((container) => ({
        pod: pod.name,
        container: container.name,
        podmanName: `${pod.name}-${container.name}`,
        state: container,
      })),
  );
  if (selected.length === 0 && wanted.container !== undefined) {
    const names = [...new Set(inPods.flatMap((pod) => pod.containers.map((container) => container.name)))];
    const where = wanted.pod === undefined ? "the environment's pods" : `pod ${wanted.pod}`;
    throw new GantryError('not_found', `container ${wanted.container} is not in ${where} (${list(names)})`);
  }
  return selected;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'there are none' : `there are ${names.join(', ')}`;
}
