import type { RunningContainer } from '../environment-operations.ts';
import {
  byName,
  containerStateText,
  type EnvironmentPod,
  hasPreviousInstance,
  isTerminating,
  podContainers,
  podName,
} from './environment-pod.ts';

/**
 * Every container of the environment's pods that are not being deleted, init containers (sidecars
 * too) first within each pod, pods in name order.
 */
export function runningContainers(pods: readonly EnvironmentPod[]): RunningContainer[] {
  return pods
    .filter((pod) => !isTerminating(pod))
    .sort(byName)
    .flatMap((pod) =>
      podContainers(pod).map(({ name, status }) => ({
        pod: podName(pod),
        container: name,
        state: containerStateText(status),
        restarts: status?.restartCount ?? 0,
        hasPrevious: hasPreviousInstance(status),
      })),
    );
}
