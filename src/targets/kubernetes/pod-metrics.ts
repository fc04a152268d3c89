import { GantryError } from '../../domain/errors.ts';
import type { ContainerSample } from '../environment-operations.ts';
import { type EnvironmentPod, podContainers, podName } from './environment-pod.ts';
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
 * a container the pod list does not have yet). Sorted by pod, then as the metrics API lists them.
 * @throws GantryError('internal') for a usage that is no Kubernetes quantity.
 */
export function containerSamples(
  metrics: PodMetricsList,
  pods: readonly EnvironmentPod[],
): ContainerSample[] {
  const restarts = new Map(
    pods.flatMap((pod) =>
      podContainers(pod).map(
        ({ name, status }) => [`${podName(pod)}/${name}`, status?.restartCount ?? 0] as const,
      ),
    ),
  );
  return [...(metrics.items ?? [])]
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
    .flatMap((item) =>
      (item.containers ?? []).map((container) => {
        const pod = item.metadata.name ?? '';
        return {
          pod,
          container: container.name,
          cpuCores: parseQuantity(container.usage?.cpu ?? '0'),
          memoryBytes: parseQuantity(container.usage?.memory ?? '0'),
          restarts: restarts.get(`${pod}/${container.name}`) ?? 0,
        };
      }),
    );
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
