import { release } from 'node:os';
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  failureReporter,
  ignoringNotFound,
  mergePatch,
  RIG_FIELD_MANAGER,
  serverSideApply,
} from './api-calls.ts';
import { followCollection, type WatchEventType } from './list-watch.ts';
import { type PodJson, planPodStatus, statusSignature } from './pod-status.ts';

/** What every fake node offers: enough that only a pod asking for the absurd stays unschedulable. */
export const NODE_CAPACITY = {
  cpu: '32',
  memory: '128Gi',
  pods: '250',
  'ephemeral-storage': '500Gi',
} as const;

const HEARTBEAT_MS = 10_000;
/** A pod whose status could not be written is tried again after this long. */
const RETRY_MS = 1_000;
const LEASE_SECONDS = 40;
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Every fake node "runs" on loopback, so no node address leads off the machine. */
const HOST_IP = '127.0.0.1';

export interface NodeAgentOptions {
  /** Names of the nodes to create and keep Ready. */
  nodeNames: readonly string[];
  /** Reported as each node's kubelet version. */
  kubeletVersion: string;
  /** Where the API server reaches each node's kubelet (the rig-kubelet, on 127.0.0.1). */
  kubeletPort: number;
  /** Receives failures the agent recovers from (a write refused, a watch dropped). */
  log: (message: string) => void;
}

export interface NodeAgent {
  /** Stops heartbeats, timers and watches; the nodes stay as they are. */
  stop(): void;
}

/**
 * A fake kubelet for every node of the rig: creates the nodes and keeps them Ready (status heartbeat and
 * a Lease in kube-node-lease), writes the status of the pods bound to them by the rules of
 * `pod-status.ts`, and finishes deleting pods that are being deleted (nothing needs to stop).
 */
export async function startNodeAgent(kubeConfig: KubeConfig, options: NodeAgentOptions): Promise<NodeAgent> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  const nodes = new Set(options.nodeNames);
  const startedAt = new Date().toISOString();
  const stopper = new AbortController();
  const report = failureReporter('node agent', stopper.signal, options.log);

  const heartbeat = (name: string) =>
    Promise.all([
      core.patchNodeStatus(
        {
          name,
          body: nodeStatus(name, options, startedAt),
          fieldManager: RIG_FIELD_MANAGER,
          force: true,
        },
        serverSideApply,
      ),
      coordination.patchNamespacedLease(
        {
          name,
          namespace: NODE_LEASE_NAMESPACE,
          body: lease(name),
          fieldManager: RIG_FIELD_MANAGER,
          force: true,
        },
        serverSideApply,
      ),
    ]);
  await Promise.all(
    options.nodeNames.map(async (name, index) => {
      await core.patchNode(
        { name, body: node(name, index), fieldManager: RIG_FIELD_MANAGER, force: true },
        serverSideApply,
      );
      await heartbeat(name);
    }),
  );
  const beating = setInterval(() => {
    for (const name of options.nodeNames) heartbeat(name).catch(report(`heartbeat of node ${name}`));
  }, HEARTBEAT_MS);

  const pods = new Map<string, PodJson>();
  const timers = new Map<string, NodeJS.Timeout>();
  const busy = new Set<string>();
  const dirty = new Set<string>();

  const forget = (uid: string) => {
    pods.delete(uid);
    clearTimeout(timers.get(uid));
    timers.delete(uid);
  };

  /**
   * One write per pod at a time; an event arriving meanwhile makes it run again on the newest pod. The
   * next change the plan foresees (a restart, readiness, an exit) or a failed write schedules another run.
   */
  const reconcile = (uid: string): void => {
    if (busy.has(uid)) {
      dirty.add(uid);
      return;
    }
    const pod = pods.get(uid);
    if (!pod || stopper.signal.aborted) return;
    busy.add(uid);
    clearTimeout(timers.get(uid));
    syncPod(pod)
      .catch((error: unknown) => {
        report(`pod ${pod.metadata.namespace}/${pod.metadata.name}`)(error);
        return Date.now() + RETRY_MS;
      })
      .then((next) => {
        busy.delete(uid);
        if (dirty.delete(uid)) reconcile(uid);
        else if (next !== undefined && pods.has(uid) && !stopper.signal.aborted) {
          timers.set(
            uid,
            setTimeout(() => reconcile(uid), Math.max(0, next - Date.now())),
          );
        }
      });
  };

  /** Writes what the pod's status should be now; returns when it changes next, if it will. */
  const syncPod = async (pod: PodJson): Promise<number | undefined> => {
    const uid = pod.metadata.uid ?? '';
    const name = pod.metadata.name ?? '';
    const namespace = pod.metadata.namespace ?? '';
    if (pod.metadata.deletionTimestamp) {
      // No containers to stop: finish the deletion at once, as a kubelet does once they have. The grace
      // period goes in the body: given a body, the API server ignores the query parameters.
      await ignoringNotFound(() =>
        core.deleteNamespacedPod({
          name,
          namespace,
          body: { gracePeriodSeconds: 0, preconditions: { uid } },
        }),
      );
      return undefined;
    }
    const planned = planPodStatus(pod, Date.now(), { hostIP: HOST_IP });
    if (statusSignature(planned.status) !== statusSignature(pod.status)) {
      await ignoringNotFound(() =>
        core.patchNamespacedPodStatus(
          {
            name,
            namespace,
            body: { metadata: { uid }, status: planned.status },
            fieldManager: RIG_FIELD_MANAGER,
          },
          mergePatch,
        ),
      );
      // Until the watch brings the written pod back, later plans must start from the same startTime.
      if (pods.get(uid) === pod) pods.set(uid, { ...pod, status: planned.status });
    }
    return planned.nextChangeAt;
  };

  const onPod = (type: WatchEventType, pod: PodJson) => {
    const uid = pod.metadata.uid ?? '';
    if (type === 'DELETED' || !pod.spec.nodeName || !nodes.has(pod.spec.nodeName)) {
      forget(uid);
      return;
    }
    pods.set(uid, pod);
    reconcile(uid);
  };
  void followCollection(kubeConfig, '/api/v1/pods', onPod, {
    signal: stopper.signal,
    onError: report('watch of pods'),
  });

  return {
    stop() {
      stopper.abort();
      clearInterval(beating);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

function node(name: string, index: number) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        // Zones a, b, c, … so topology spread constraints have something to spread over.
        'topology.kubernetes.io/zone': `rig-zone-${String.fromCharCode(97 + (index % 26))}`,
      },
    },
  };
}

function nodeStatus(
  name: string,
  kubelet: Pick<NodeAgentOptions, 'kubeletVersion' | 'kubeletPort'>,
  since: string,
) {
  const now = new Date().toISOString();
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      capacity: NODE_CAPACITY,
      allocatable: NODE_CAPACITY,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: HOST_IP },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubelet.kubeletPort } },
      nodeInfo: {
        machineID: name,
        systemUUID: name,
        bootID: since,
        kernelVersion: release(),
        osImage: 'Gantry kube rig',
        containerRuntimeVersion: 'rig://1.0.0',
        kubeletVersion: kubelet.kubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

function lease(name: string) {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: NODE_LEASE_NAMESPACE },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_SECONDS, renewTime: microTime(new Date()) },
  };
}

/** A MicroTime as the API server writes it: RFC 3339 with six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
