import { createHash } from 'node:crypto';
import type { KubeMetadata } from '../../src/targets/kubernetes/kube-object.ts';
import { fakeImageId } from './image-id.ts';

// The fake kubelet's rules: what a bound pod's status is at a given moment, as a pure function of the pod
// and the clock. Faults are chosen by image reference, so a "bad release" is just a new image string.

/** Delays a pod's readiness: the value is milliseconds after its start. */
export const READY_AFTER_ANNOTATION = 'rig.gantry.dev/ready-after-ms';
/** A crash-looping container restarts this often. */
export const CRASH_INTERVAL_MS = 2_000;
/** A failing pull shows `ErrImagePull` this long, then `ImagePullBackOff`. */
export const PULL_ERROR_MS = 1_500;
/** A container of a pod that runs to completion (Jobs) runs this long before it exits. */
export const RUN_TO_COMPLETION_MS = 1_000;

/** A fault an image reference asks for, by the word it contains. */
export type ImageFault = 'pull-fail' | 'crashloop' | 'job-fail';

export interface ContainerSpec {
  name: string;
  image?: string;
  /** `Always` on an init container makes it a sidecar. */
  restartPolicy?: string;
}

/** The parts of a Pod the fake kubelet reads (plain JSON, as the API server sends it). */
export interface PodJson {
  metadata: KubeMetadata;
  spec: {
    nodeName?: string;
    restartPolicy?: string;
    containers: ContainerSpec[];
    initContainers?: ContainerSpec[];
  };
  status?: PodStatusJson;
}

export interface PodStatusJson {
  phase?: string;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  [field: string]: unknown;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason: string;
    startedAt: string;
    finishedAt: string;
    containerID: string;
  };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

/**
 * Where the pod "runs": a loopback host address, so nothing ever dials a real network. Pods get no IP of
 * their own: EndpointSlices refuse loopback addresses, and any other address could lead off the machine.
 */
export interface Placement {
  hostIP: string;
}

export interface PlannedStatus {
  status: PodStatusJson;
  /** When the status changes next without any event (restart, readiness, exit), if ever. */
  nextChangeAt: number | undefined;
}

/** The fault an image reference asks for; a failing pull wins, since nothing runs without the image. */
export function imageFault(image: string): ImageFault | undefined {
  if (image.includes('pull-fail')) return 'pull-fail';
  if (image.includes('crashloop')) return 'crashloop';
  if (image.includes('job-fail')) return 'job-fail';
  return undefined;
}

/** The pod conditions the fake kubelet owns; any other condition on a pod is kept as it is. */
const OWN_CONDITIONS = new Set([
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
]);

type Outcome = 'waiting' | 'crashing' | 'running' | 'succeeded' | 'failed';

interface PlannedContainer {
  status: ContainerStatus;
  outcome: Outcome;
  nextChangeAt?: number;
}

interface Clock {
  pod: PodJson;
  start: number;
  now: number;
}

/**
 * The status a kubelet would report for a bound pod at `now`, counting from the pod's `startTime`
 * (or from `now`, rounded down to the second the API server keeps, when it has none yet).
 */
export function planPodStatus(pod: PodJson, now: number, placement: Placement): PlannedStatus {
  const startTime = pod.status?.startTime;
  const start = startTime ? Date.parse(startTime) : Math.floor(now / 1000) * 1000;
  const clock: Clock = { pod, start, now };
  const restartPolicy = pod.spec.restartPolicy ?? 'Always';
  const runsToCompletion = restartPolicy !== 'Always';

  const init: PlannedContainer[] = [];
  let blockedBy: string | undefined;
  for (const container of pod.spec.initContainers ?? []) {
    if (blockedBy !== undefined) init.push(waitingToInitialize(container, clock));
    else {
      const planned = planInitContainer(container, clock);
      if (planned.outcome === 'waiting' || planned.outcome === 'crashing') blockedBy = container.name;
      init.push(planned);
    }
  }
  const initialized = blockedBy === undefined;
  const readyAfterMs = readyAfter(pod);
  const app = pod.spec.containers.map((container) =>
    initialized
      ? planAppContainer(container, clock, { runsToCompletion, readyAfterMs, restartPolicy })
      : waitingToInitialize(container, clock),
  );

  const phase = podPhase(initialized, app);
  const unready = app.filter((planned) => !planned.status.ready).map((planned) => planned.status.name);
  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', true, start),
    initialized
      ? condition('Initialized', true, start)
      : condition(
          'Initialized',
          false,
          start,
          'ContainersNotInitialized',
          `containers with incomplete status: [${blockedBy}]`,
        ),
    ...['Ready', 'ContainersReady'].map((type) => {
      if (phase === 'Succeeded') return condition(type, false, start, 'PodCompleted');
      if (phase === 'Failed') return condition(type, false, start, 'PodFailed');
      if (unready.length > 0) {
        return condition(
          type,
          false,
          start,
          'ContainersNotReady',
          `containers with unready status: [${unready.join(' ')}]`,
        );
      }
      return condition(type, true, start + readyAfterMs);
    }),
    scheduledCondition(pod, start),
    ...(pod.status?.conditions ?? []).filter((existing) => !OWN_CONDITIONS.has(existing.type)),
  ];

  const status: PodStatusJson = {
    phase,
    conditions,
    hostIP: placement.hostIP,
    hostIPs: [{ ip: placement.hostIP }],
    startTime: seconds(start),
    containerStatuses: app.map((planned) => planned.status),
  };
  if (init.length > 0) status.initContainerStatuses = init.map((planned) => planned.status);
  const upcoming = [...init, ...app]
    .map((planned) => planned.nextChangeAt)
    .filter((at): at is number => at !== undefined && at > now);
  return { status, nextChangeAt: upcoming.length > 0 ? Math.min(...upcoming) : undefined };
}

/**
 * What decides whether a pod's status must be written again: phase, host, conditions and container
 * states, but no timestamps or messages (which are recomputed each time and need not match to the second).
 */
export function statusSignature(status: PodStatusJson | undefined): string {
  const containers = (statuses: ContainerStatus[] | undefined) =>
    (statuses ?? []).map((c) => [
      c.name,
      c.ready,
      c.started,
      c.restartCount,
      c.state.waiting?.reason ?? (c.state.running ? 'running' : (c.state.terminated?.reason ?? '')),
    ]);
  return JSON.stringify([
    status?.phase,
    status?.hostIP,
    (status?.conditions ?? []).map((c) => [c.type, c.status, c.reason]),
    containers(status?.initContainerStatuses),
    containers(status?.containerStatuses),
  ]);
}

function readyAfter(pod: PodJson): number {
  const value = Number(pod.metadata.annotations?.[READY_AFTER_ANNOTATION]);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function planInitContainer(container: ContainerSpec, clock: Clock): PlannedContainer {
  const image = container.image ?? '';
  const fault = imageFault(image);
  if (fault === 'pull-fail') return pullFailing(container, clock);
  if (fault !== undefined) return crashLooping(container, clock);
  if (container.restartPolicy === 'Always') return running(container, clock, true);
  return terminated(container, clock, 0, clock.start);
}

function planAppContainer(
  container: ContainerSpec,
  clock: Clock,
  pod: { runsToCompletion: boolean; readyAfterMs: number; restartPolicy: string },
): PlannedContainer {
  const fault = imageFault(container.image ?? '');
  if (fault === 'pull-fail') return pullFailing(container, clock);
  if (fault === 'crashloop' && pod.restartPolicy !== 'Never') return crashLooping(container, clock);
  if (pod.runsToCompletion) {
    const exitAt = clock.start + RUN_TO_COMPLETION_MS;
    if (clock.now < exitAt) return { ...running(container, clock, true), nextChangeAt: exitAt };
    return terminated(container, clock, fault === undefined ? 0 : 1, exitAt);
  }
  const readyAt = clock.start + pod.readyAfterMs;
  const ready = clock.now >= readyAt;
  return { ...running(container, clock, ready), ...(ready ? {} : { nextChangeAt: readyAt }) };
}

function running(container: ContainerSpec, clock: Clock, ready: boolean): PlannedContainer {
  return {
    outcome: 'running',
    status: {
      ...identity(container, clock, 0),
      ready,
      started: true,
      state: { running: { startedAt: seconds(clock.start) } },
      lastState: {},
    },
  };
}

function terminated(
  container: ContainerSpec,
  clock: Clock,
  exitCode: number,
  finishedAt: number,
): PlannedContainer {
  const id = identity(container, clock, 0);
  return {
    outcome: exitCode === 0 ? 'succeeded' : 'failed',
    status: {
      ...id,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode,
          reason: exitCode === 0 ? 'Completed' : 'Error',
          startedAt: seconds(clock.start),
          finishedAt: seconds(finishedAt),
          containerID: id.containerID,
        },
      },
      lastState: {},
    },
  };
}

function crashLooping(container: ContainerSpec, clock: Clock): PlannedContainer {
  const restarts = 1 + Math.floor(Math.max(0, clock.now - clock.start) / CRASH_INTERVAL_MS);
  const lastRun = clock.start + (restarts - 1) * CRASH_INTERVAL_MS;
  const previous = identity(container, clock, restarts - 1);
  const { pod } = clock;
  return {
    outcome: 'crashing',
    nextChangeAt: clock.start + restarts * CRASH_INTERVAL_MS,
    status: {
      // While it waits to restart, a container shows the ID of the run that last exited.
      ...identity(container, clock, restarts),
      containerID: previous.containerID,
      ready: false,
      started: false,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message:
            `back-off ${backOff(restarts)} restarting failed container=${container.name} ` +
            `pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        },
      },
      lastState: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: seconds(lastRun),
          finishedAt: seconds(lastRun),
          containerID: previous.containerID,
        },
      },
    },
  };
}

function pullFailing(container: ContainerSpec, clock: Clock): PlannedContainer {
  const image = container.image ?? '';
  const backingOff = clock.now >= clock.start + PULL_ERROR_MS;
  const { containerID: _none, ...id } = identity(container, clock, 0);
  return {
    outcome: 'waiting',
    ...(backingOff ? {} : { nextChangeAt: clock.start + PULL_ERROR_MS }),
    status: {
      ...id,
      imageID: '',
      ready: false,
      started: false,
      state: {
        waiting: backingOff
          ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }
          : {
              reason: 'ErrImagePull',
              message: `failed to pull and unpack image "${image}": not found (the kube rig fails images named pull-fail)`,
            },
      },
      lastState: {},
    },
  };
}

function waitingToInitialize(container: ContainerSpec, clock: Clock): PlannedContainer {
  const { containerID: _none, ...id } = identity(container, clock, 0);
  return {
    outcome: 'waiting',
    status: {
      ...id,
      imageID: '',
      ready: false,
      started: false,
      state: { waiting: { reason: 'PodInitializing' } },
      lastState: {},
    },
  };
}

/** Name, image, image ID, restart count and a container ID that is stable for one run of the container. */
function identity(
  container: ContainerSpec,
  clock: Clock,
  restartCount: number,
): Pick<ContainerStatus, 'name' | 'image' | 'imageID' | 'restartCount'> & { containerID: string } {
  const image = container.image ?? '';
  const run = `${clock.pod.metadata.uid}/${container.name}/${restartCount}`;
  return {
    name: container.name,
    image,
    imageID: fakeImageId(image),
    containerID: `containerd://${createHash('sha256').update(run).digest('hex')}`,
    restartCount,
  };
}

function podPhase(initialized: boolean, app: PlannedContainer[]): string {
  if (!initialized) return 'Pending';
  if (app.every((planned) => planned.outcome === 'succeeded')) return 'Succeeded';
  if (app.every((planned) => planned.outcome === 'succeeded' || planned.outcome === 'failed'))
    return 'Failed';
  // A container that never started (its image cannot be pulled) keeps the pod Pending, as on a kubelet.
  if (app.some((planned) => planned.outcome === 'waiting')) return 'Pending';
  return 'Running';
}

function scheduledCondition(pod: PodJson, start: number): PodCondition {
  const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'True');
  return existing ?? condition('PodScheduled', true, start);
}

function condition(
  type: string,
  isTrue: boolean,
  since: number,
  reason?: string,
  message?: string,
): PodCondition {
  return {
    type,
    status: isTrue ? 'True' : 'False',
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastProbeTime: null,
    lastTransitionTime: seconds(since),
  };
}

/** The kubelet's restart back-off (10 s doubling up to 5 min), written as Go prints a duration. */
function backOff(restarts: number): string {
  const total = Math.min(300, 10 * 2 ** Math.min(restarts - 1, 5));
  return total < 60 ? `${total}s` : `${Math.floor(total / 60)}m${total % 60}s`;
}

/** An RFC 3339 time with whole seconds, as the API server stores pod timestamps. */
function seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
