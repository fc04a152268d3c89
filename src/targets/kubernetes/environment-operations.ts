import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import type { ContainerSample, EnvironmentOperations } from '../environment-operations.ts';
import { environmentLogs, type LogReader } from './environment-logs.ts';
import type { EnvironmentPod } from './environment-pod.ts';
import { chooseExecTarget } from './exec-target.ts';
import { apiServerUrl, kubeRequest } from './kube-connection.ts';
import { operationFailure } from './operation-errors.ts';
import { startPodExec } from './pod-exec.ts';
import { openPodLog } from './pod-log-stream.ts';
import { containerSamples, metricsFailure, type PodMetricsList } from './pod-metrics.ts';
import { runningContainers } from './running-containers.ts';

/** Where to find an environment's pods. */
export interface KubernetesOperationsOptions {
  /** The target's connection (`connectTarget(target, secrets).kubeConfig`). */
  kubeConfig: KubeConfig;
  /** The namespace of the environment's current deployment. */
  namespace: string;
  /** The labels of the environment's pods: `{ [PROJECT_LABEL]: projectId, [ENVIRONMENT_LABEL]: slug }`. */
  selector: Record<string, string>;
}

/**
 * The environment operations of a Kubernetes target, on the pods of `namespace` carrying every label
 * of `selector`. Each call reads the cluster afresh. The target's credentials need `get`/`list` on
 * pods, `get` on pods/log, `get` and `create` on pods/exec and `list` on pods.metrics.k8s.io (docs/kubernetes.md,
 * "Logs, shell and resource use"); a refusal says which.
 */
export function openKubernetesOperations(options: KubernetesOperationsOptions): EnvironmentOperations {
  const { kubeConfig, namespace, selector } = options;
  const server = apiServerUrl(kubeConfig);
  const labelSelector = Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const podsPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;

  const listPods = async (signal?: AbortSignal): Promise<EnvironmentPod[]> => {
    try {
      const { body } = await kubeRequest<{ items?: EnvironmentPod[] }>(kubeConfig, {
        method: 'GET',
        path: podsPath,
        query: { labelSelector },
        ...(signal ? { signal } : {}),
      });
      return body.items ?? [];
    } catch (error) {
      signal?.throwIfAborted();
      throw operationFailure(error, {
        what: `list the environment's pods in namespace ${namespace}`,
        permission: { verbs: ['list'], resource: 'pods' },
        namespace,
        server,
      });
    }
  };

  const reader: LogReader = {
    listPods,
    open: (source, openOptions) =>
      openPodLog(kubeConfig, { namespace, pod: source.pod, container: source.container, ...openOptions }),
  };

  return {
    async containers() {
      return runningContainers(await listPods());
    },

    logs(request) {
      return environmentLogs(reader, request, namespace);
    },

    async exec(request) {
      if (request.command.length === 0) {
        throw new GantryError('validation_failed', 'command must name a program to run, e.g. ["sh"]');
      }
      const target = chooseExecTarget(await listPods(request.signal), request, namespace);
      return startPodExec(kubeConfig, {
        namespace,
        ...target,
        command: request.command,
        size: request.size,
        signal: request.signal,
      });
    },

    async sample(): Promise<ContainerSample[]> {
      const [metrics, pods] = await Promise.all([readPodMetrics(), listPods()]);
      return containerSamples(metrics, pods);
    },

    // Nothing to release: pod lists share kube-connection's pool, and every log stream and shell owns
    // its connection and ends with its own signal.
    async close() {},
  };

  async function readPodMetrics(): Promise<PodMetricsList> {
    try {
      const { body } = await kubeRequest<PodMetricsList>(kubeConfig, {
        method: 'GET',
        path: `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`,
        query: { labelSelector },
      });
      return body;
    } catch (error) {
      throw metricsFailure(error, namespace, server);
    }
  }
}
