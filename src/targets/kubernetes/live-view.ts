import { type Condition, isConditionTrue } from './health/condition.ts';
import type { HealthStatus } from './health/health-status.ts';
import { objectHealth } from './health/object-health.ts';
import { apiGroupOf, type KubeObject } from './kube-object.ts';
import type { ContainerState, ContainerStatus } from './pod-failure.ts';
import { type Container, containersOf } from './pod-templates.ts';

/** The objects of one namespace by kind (`Deployment`, `ReplicaSet`, `Pod`, …), as the watches hold them. */
export type LiveObjects = ReadonlyMap<string, readonly KubeObject[]>;

/** The workload kinds the live view shows, in the order it lists them. */
export const LIVE_WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;

/** The object controlling another (a pod's ReplicaSet, a ReplicaSet's Deployment). */
export interface OwnerView {
  kind: string;
  name: string;
}

export interface ContainerImage {
  container: string;
  image: string;
}

export interface WorkloadView {
  kind: string;
  name: string;
  health: HealthStatus;
  /** Deployments, StatefulSets and DaemonSets (for a DaemonSet: the nodes that should run a pod). */
  replicas: { desired: number; ready: number; updated: number; available: number } | null;
  /** Jobs only. */
  job: { completions: number; active: number; succeeded: number; failed: number } | null;
  images: ContainerImage[];
  created_at: string | null;
}

export interface ReplicaSetView {
  name: string;
  owner: OwnerView | null;
  /** The Deployment revision it holds (`deployment.kubernetes.io/revision`). */
  revision: number | null;
  replicas: { desired: number; ready: number; available: number };
  images: ContainerImage[];
  created_at: string | null;
}

export interface ContainerView {
  name: string;
  image: string;
  /** An init container (a sidecar included), which runs before the others. */
  init: boolean;
  ready: boolean;
  restarts: number;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  /** Why it is waiting or terminated: `CrashLoopBackOff`, `ImagePullBackOff`, `Completed`, … */
  reason: string | null;
  message: string | null;
}

export interface PodView {
  name: string;
  owner: OwnerView | null;
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase: string;
  /** The pod's Ready condition. */
  ready: boolean;
  /** Restarts of all its containers. */
  restarts: number;
  node: string | null;
  /** Being deleted (it has a deletionTimestamp). */
  terminating: boolean;
  /** Why the pod is where it is: `Evicted`, or `Unschedulable` while no node takes it. */
  reason: string | null;
  message: string | null;
  containers: ContainerView[];
  created_at: string | null;
}

/** What runs in an environment: its workloads with their health, their ReplicaSets and pods. */
export interface LiveView {
  workloads: WorkloadView[];
  replica_sets: ReplicaSetView[];
  pods: PodView[];
}

/**
 * The live view of the objects carrying every label of `selector` (Gantry labels an environment's
 * objects and pod templates, so ReplicaSets, pods and the Jobs of CronJobs carry them too). Objects
 * of other API groups that share a kind name are left out. Sorted by kind, then name.
 */
export function buildLiveView(objects: LiveObjects, selector: Readonly<Record<string, string>>): LiveView {
  const selected = (kind: string, group: string) =>
    (objects.get(kind) ?? [])
      .filter((object) => apiGroupOf(object.apiVersion) === group && matches(object, selector))
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return {
    workloads: LIVE_WORKLOAD_KINDS.flatMap((kind) =>
      selected(kind, kind === 'Job' ? 'batch' : 'apps').map(workloadView),
    ),
    replica_sets: selected('ReplicaSet', 'apps').map(replicaSetView),
    pods: selected('Pod', '').map(podView),
  };
}

function matches(object: KubeObject, selector: Readonly<Record<string, string>>): boolean {
  const labels = object.metadata.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};

const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** A timestamp as ISO text: watch events carry strings, the typed clients' lists carry Dates. */
function timestamp(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : null;
}

function owner(object: KubeObject): OwnerView | null {
  const controller = object.metadata.ownerReferences?.find((ref) => ref.controller);
  return controller ? { kind: controller.kind, name: controller.name } : null;
}

function images(object: KubeObject): ContainerImage[] {
  return containersOf(object).map((container) => ({
    container: container.name,
    image: container.image ?? '',
  }));
}

function workloadView(object: KubeObject): WorkloadView {
  const spec = fieldsOf(object.spec);
  const status = fieldsOf(object.status);
  const view: WorkloadView = {
    kind: object.kind,
    name: object.metadata.name ?? '',
    health: objectHealth(object),
    replicas: null,
    job: null,
    images: images(object),
    created_at: timestamp(object.metadata.creationTimestamp),
  };
  switch (object.kind) {
    case 'DaemonSet':
      view.replicas = {
        desired: count(status.desiredNumberScheduled),
        ready: count(status.numberReady),
        updated: count(status.updatedNumberScheduled),
        available: count(status.numberAvailable),
      };
      break;
    case 'Job':
      view.job = {
        completions: typeof spec.completions === 'number' ? spec.completions : 1,
        active: count(status.active),
        succeeded: count(status.succeeded),
        failed: count(status.failed),
      };
      break;
    default:
      view.replicas = {
        desired: typeof spec.replicas === 'number' ? spec.replicas : 1,
        ready: count(status.readyReplicas),
        updated: count(status.updatedReplicas),
        available: count(status.availableReplicas),
      };
  }
  return view;
}

function replicaSetView(object: KubeObject): ReplicaSetView {
  const spec = fieldsOf(object.spec);
  const status = fieldsOf(object.status);
  const revision = Number(object.metadata.annotations?.['deployment.kubernetes.io/revision']);
  return {
    name: object.metadata.name ?? '',
    owner: owner(object),
    revision: Number.isInteger(revision) ? revision : null,
    replicas: {
      desired: typeof spec.replicas === 'number' ? spec.replicas : 1,
      ready: count(status.readyReplicas),
      available: count(status.availableReplicas),
    },
    images: images(object),
    created_at: timestamp(object.metadata.creationTimestamp),
  };
}

interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: Condition[];
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
}

function podView(object: KubeObject): PodView {
  const spec = fieldsOf(object.spec);
  const status = fieldsOf(object.status) as PodStatus;
  const statuses = new Map(
    [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].map((entry) => [
      entry.name,
      entry,
    ]),
  );
  const initContainers = Array.isArray(spec.initContainers) ? spec.initContainers : [];
  const initNames = new Set(initContainers.map((container) => fieldsOf(container).name));
  const containers = containersOf(object).map((container) =>
    containerView(container, initNames.has(container.name), statuses.get(container.name)),
  );
  const unscheduled = status.conditions?.find(
    (condition) => condition.type === 'PodScheduled' && condition.status === 'False',
  );
  return {
    name: object.metadata.name ?? '',
    owner: owner(object),
    phase: status.phase ?? 'Unknown',
    ready: isConditionTrue(status.conditions, 'Ready'),
    restarts: containers.reduce((sum, container) => sum + container.restarts, 0),
    node: typeof spec.nodeName === 'string' ? spec.nodeName : null,
    terminating: Boolean(object.metadata.deletionTimestamp),
    reason: status.reason ?? unscheduled?.reason ?? null,
    message: status.message ?? unscheduled?.message ?? null,
    containers,
    created_at: timestamp(object.metadata.creationTimestamp),
  };
}

function containerView(
  container: Container,
  init: boolean,
  status: (ContainerStatus & { ready?: boolean }) | undefined,
): ContainerView {
  return {
    name: container.name,
    image: container.image ?? '',
    init,
    ready: status?.ready === true,
    restarts: count(status?.restartCount),
    ...stateOf(status?.state),
  };
}

function stateOf(state: ContainerState | undefined): Pick<ContainerView, 'state' | 'reason' | 'message'> {
  if (state?.waiting) {
    return { state: 'waiting', reason: state.waiting.reason ?? null, message: state.waiting.message ?? null };
  }
  if (state?.running) return { state: 'running', reason: null, message: null };
  if (state?.terminated) {
    return {
      state: 'terminated',
      reason: state.terminated.reason ?? null,
      message: state.terminated.message ?? null,
    };
  }
  return { state: 'unknown', reason: null, message: null };
}
