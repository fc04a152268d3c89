import { GantryError } from '../../domain/errors.ts';
import {
  byName,
  containerStateText,
  type EnvironmentPod,
  isTerminating,
  podContainers,
  podName,
} from './environment-pod.ts';

/** The pod annotation naming the container kubectl exec and logs use by default. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** The pod and container a shell runs in. */
export interface ExecTarget {
  pod: string;
  container: string;
}

/**
 * Where a command runs: the named pod (else the first running pod, by name, that has the named
 * container), and the named container (else the one the pod's `kubectl.kubernetes.io/default-container`
 * annotation names, as kubectl does, else the pod's first app container).
 * @throws GantryError('not_found') for a pod or container that is not the environment's, or when no
 *   pod runs; GantryError('conflict') when the chosen container is not running.
 */
export function chooseExecTarget(
  pods: readonly EnvironmentPod[],
  wanted: { pod?: string; container?: string },
  namespace: string,
): ExecTarget {
  const live = pods.filter((pod) => !isTerminating(pod)).sort(byName);
  const hasContainer = (pod: EnvironmentPod) =>
    wanted.container === undefined || podContainers(pod).some(({ name }) => name === wanted.container);
  const pod =
    wanted.pod !== undefined
      ? pods.find((candidate) => podName(candidate) === wanted.pod)
      : (live.find((candidate) => candidate.status?.phase === 'Running' && hasContainer(candidate)) ??
        live.find(hasContainer));
  if (!pod) {
    if (wanted.pod !== undefined) {
      throw new GantryError(
        'not_found',
        `pod ${wanted.pod} is not one of the environment's pods in namespace ${namespace}`,
      );
    }
    throw new GantryError(
      'not_found',
      wanted.container === undefined || live.length === 0
        ? `the environment has no pods in namespace ${namespace}`
        : `container ${wanted.container} not found in the environment's pods`,
    );
  }
  const containers = podContainers(pod);
  const preferred = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const container =
    wanted.container === undefined
      ? (containers.find(({ name }) => name === preferred) ?? containers.find(({ init }) => !init))
      : containers.find(({ name }) => name === wanted.container);
  if (!container) {
    const names = containers.map(({ name }) => name).join(', ') || 'none';
    throw new GantryError(
      'not_found',
      wanted.container === undefined
        ? `pod ${podName(pod)} has no app container (it has ${names})`
        : `pod ${podName(pod)} has no container ${wanted.container} (it has ${names})`,
    );
  }
  if (!container.status?.state?.running) {
    throw new GantryError(
      'conflict',
      `container ${container.name} of pod ${podName(pod)} is not running (${containerStateText(container.status)}): a shell needs a running container`,
    );
  }
  return { pod: podName(pod), container: container.name };
}
