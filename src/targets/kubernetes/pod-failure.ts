import { type Condition, findCondition } from './health/condition.ts';
import type { KubeObject } from './kube-object.ts';

/** The state of one container as the kubelet reports it. */
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string };
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

/** The fields of a Pod that tell whether it is failing. */
export interface PodObject extends KubeObject {
  spec?: {
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
    initContainers?: { name: string; restartPolicy?: 'Always' }[];
    nodeName?: string;
  };
  status?: {
    phase?: string;
    conditions?: Condition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

/** Why a pod will not become ready by waiting: which container (none when it is not scheduled), and why. */
export interface PodFailure {
  pod: string;
  container?: string;
  reason: string;
  message: string;
}

/**
 * Waiting reasons the kubelet keeps retrying without a change to the pod ever fixing them: a
 * crashing container, an image that cannot be pulled, a container that cannot be created.
 */
const failingWaitingReasons = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/**
 * The scheduler also calls a pod Unschedulable while its claims are still being bound or provisioned
 * (a StatefulSet's claim templates, dynamic provisioning). That resolves on its own; a claim that never
 * binds shows as a pending PersistentVolumeClaim, not as a failed pod.
 */
const claimsBeingBound = /unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]*" not found/i;

/**
 * The first reason this pod is failing, or undefined while it may still become ready: init containers
 * first (they run first), then containers, then scheduling. A container that exited non-zero and was
 * restarted counts as crash-looping before the kubelet's back-off makes it `CrashLoopBackOff`. A pod
 * being deleted is on its way out, so nothing about it fails a rollout.
 */
export function podFailure(pod: PodObject): PodFailure | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const name = pod.metadata.name ?? '';
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const sidecars = new Set(
    (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
  );
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []).map((status) => ({
      status,
      restarts: sidecars.has(status.name) || restartPolicy === 'Always',
    })),
    ...(pod.status?.containerStatuses ?? []).map((status) => ({
      status,
      restarts: restartPolicy === 'Always',
    })),
  ];
  for (const { status, restarts } of statuses) {
    const failure = containerFailure(status, restarts);
    if (failure) return { pod: name, container: status.name, ...failure };
  }
  const scheduled = findCondition(pod.status?.conditions, 'PodScheduled');
  const message = scheduled?.message ?? '';
  if (
    scheduled?.status === 'False' &&
    scheduled.reason === 'Unschedulable' &&
    !claimsBeingBound.test(message)
  ) {
    return { pod: name, reason: 'Unschedulable', message };
  }
  return undefined;
}

function containerFailure(
  status: ContainerStatus,
  restartsAlways: boolean,
): Pick<PodFailure, 'reason' | 'message'> | undefined {
  const waiting = status.state?.waiting;
  if (waiting?.reason && failingWaitingReasons.has(waiting.reason)) {
    return { reason: waiting.reason, message: waiting.message ?? '' };
  }
  const restarts = status.restartCount ?? 0;
  const terminated = status.state?.terminated ?? status.lastState?.terminated;
  if (restartsAlways && restarts > 0 && terminated && terminated.exitCode !== 0) {
    const how = `exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}`;
    return {
      reason: 'CrashLoopBackOff',
      message: `restarted ${restarts} ${restarts === 1 ? 'time' : 'times'}, last ${how}`,
    };
  }
  return undefined;
}
