import type { KubeObject } from './kube-object.ts';
import type { ContainerState } from './pod-failure.ts';
import type { Container } from './pod-templates.ts';

/** A container's status with the fields the environment operations read. */
export interface PodContainerStatus {
  name: string;
  restartCount?: number;
  /** `containerd://<id>`: changes with every new instance of the container. */
  containerID?: string;
  state?: ContainerState & { terminated?: { containerID?: string } };
  lastState?: ContainerState & { terminated?: { containerID?: string } };
}

/** A pod of the environment as the API lists it. */
export interface EnvironmentPod extends KubeObject {
  spec?: { containers?: Container[]; initContainers?: Container[]; [field: string]: unknown };
  status?: {
    phase?: string;
    containerStatuses?: PodContainerStatus[];
    initContainerStatuses?: PodContainerStatus[];
    [field: string]: unknown;
  };
}

/** One container of a pod: its declaration's place (init or not) and its status, if the kubelet wrote one. */
export interface PodContainer {
  name: string;
  init: boolean;
  status: PodContainerStatus | undefined;
}

/** The pod's containers in the order its spec declares them, init containers (sidecars too) first. */
export function podContainers(pod: EnvironmentPod): PodContainer[] {
  const statuses = (list: PodContainerStatus[] | undefined) =>
    new Map((list ?? []).map((status) => [status.name, status]));
  const initStatuses = statuses(pod.status?.initContainerStatuses);
  const appStatuses = statuses(pod.status?.containerStatuses);
  return [
    ...(pod.spec?.initContainers ?? []).map((container) => ({
      name: container.name,
      init: true,
      status: initStatuses.get(container.name),
    })),
    ...(pod.spec?.containers ?? []).map((container) => ({
      name: container.name,
      init: false,
      status: appStatuses.get(container.name),
    })),
  ];
}

/** The pod's name. */
export const podName = (pod: EnvironmentPod): string => pod.metadata.name ?? '';

/** Whether the pod is being deleted: it is on its way out and no longer part of the environment. */
export const isTerminating = (pod: EnvironmentPod): boolean => Boolean(pod.metadata.deletionTimestamp);

/**
 * Whether the container restarted or was replaced, so a previous instance's log can be asked for
 * (`previous=true`).
 */
export const hasPreviousInstance = (status: PodContainerStatus | undefined): boolean =>
  (status?.restartCount ?? 0) > 0 || Boolean(status?.lastState?.terminated);

/** The container's state the way `kubectl get pods` words it: `running`, `waiting (CrashLoopBackOff)`, `terminated (Completed)`. */
export function containerStateText(status: PodContainerStatus | undefined): string {
  const state = status?.state;
  if (state?.running) return 'running';
  if (state?.waiting) return state.waiting.reason ? `waiting (${state.waiting.reason})` : 'waiting';
  if (state?.terminated)
    return state.terminated.reason ? `terminated (${state.terminated.reason})` : 'terminated';
  return 'unknown';
}

/** Pods in name order, so "the first pod" means the same one on every call. */
export const byName = (a: EnvironmentPod, b: EnvironmentPod): number => podName(a).localeCompare(podName(b));
