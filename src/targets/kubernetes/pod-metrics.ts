import { GantryError } from '../../domain/errors.ts';
import type { ContainerSample } from '../environment-operations.ts';
import { type EnvironmentPod, isTerminating, podContainers, podName } from './environment-pod.ts';
import { classifyKubeError } from './kube-errors.ts';
import { operationFailure } from './operation-errors.ts';
import { parseQuantity } from './quantity.ts';

/** `PodMetricsList` of `metrics.k8s.io/v1beta1`, the fields read. */
export interface PodMetricsList {
  items?: {
    metadata: { name?: string };
    containers?: { name: string; usage?: { cpu?: string; memory?: string } }[];
  }[];
}

/**
 * One sample per container the metrics API reports, with the restarts the pods' statuses give (0 for
 * a container the pod list does not have yet), and one with no CPU and no memory for each waiting
 * container of the pods (not being deleted): the metrics API leaves out containers that do not run,
 * and a crash loop's restarts are what a graph must show. A running container the metrics API has not
 * measured yet (a pod that just started) gets no sample: zero would be a false value. Sorted by pod,
 * each pod's containers as the metrics API lists them, then the waiting ones.
 * @throws GantryError('internal') for a usage that is no Kubernetes quantity.
 */
export function containerSamples(
  metrics: PodMetricsList,
  pods: readonly EnvironmentPod[],
): ContainerSample[] {
  const measured = new Map<string, ContainerSample[]>();
  for (const item of metrics.items ?? []) {
    const pod = item.metadata.name ?? '';
    measured.set(
      pod,
      (item.containers ?? []).map((container) => ({
        pod,
        container: container.name,
        cpuCores: parseQuantity(container.usage?.cpu ?? '0'),
        memoryBytes: parseQuantity(container.usage?.memory ?? '0'),
        restarts: 0,
      })),
    );
  }
  for (const pod of pods) {
    const samples = measured.get(podName(pod)) ?? [];
    for (const { name, status } of podContainers(pod)) {
      const sample = samples.find(({ container }) => container === name);
      if (sample) sample.restarts = status?.restartCount ?? 0;
      else if (status?.state?.waiting && !isTerminating(pod)) {
        samples.push({
          pod: podName(pod),
          container: name,
          cpuCores: 0,
          memoryBytes: 0,
          restarts: status.restartCount ?? 0,
        });
      }
    }
    if (samples.length > 0) measured.set(podName(pod), samples);
  }
  return [...measured.keys()].sort().flatMap((pod) => measured.get(pod) ?? []);
}

/**
 * A failed metrics read in words that say what to do: a cluster without the metrics API answers 404,
 * one whose metrics-server is registered but down 503.
 */
export function metricsFailure(error: unknown, namespace: string, server: string): GantryError {
  const { status, detail } = classifyKubeError(error);
  if (status === 404) {
    return new GantryError(
      'unavailable',
      `the cluster serves no metrics API (metrics.k8s.io): install metrics-server (https://github.com/kubernetes-sigs/metrics-server) to see CPU and memory use`,
    );
  }
  if (status === 503) {
    return new GantryError(
      'unavailable',
      `the cluster's metrics API (metrics.k8s.io) does not answer (503 Service Unavailable): is metrics-server running?${detail ? ` The API server said: ${detail}` : ''}`,
    );
  }
  return operationFailure(error, {
    what: `read the resource use of the pods in namespace ${namespace}`,
    permission: { verbs: ['list'], resource: 'pods.metrics.k8s.io' },
    namespace,
    server,
  });
}
