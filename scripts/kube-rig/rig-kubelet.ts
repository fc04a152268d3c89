import {
  ApiregistrationV1Api,
  CoreV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { RIG_FIELD_MANAGER, serverSideApply } from './api-calls.ts';
import {
  KUBELET_CLIENT_USER,
  METRICS_SERVICE,
  PROXY_CLIENT_USER,
  type RigCertificates,
} from './certificates.ts';
import { getStatus, waitFor } from './control-plane.ts';
import { type Daemon, startDaemon } from './daemon.ts';

// The rig-kubelet (Go, rig-kubelet/*.go) plays the kubelet API for the fake nodes — pod logs and exec —
// and serves metrics.k8s.io behind the aggregator. The names below are its contract with tests; the Go
// code spells the same ones.

/** Makes each running container of the pod append `rig: tick <n>` to its log every so many milliseconds. */
export const LOG_EVERY_ANNOTATION = 'rig.gantry.dev/log-every-ms';
/** The CPU (millicores) the metrics API reports for each running container of the pod. */
export const CPU_ANNOTATION = 'rig.gantry.dev/cpu-millicores';
export const DEFAULT_CPU_MILLICORES = 5;
/** The memory (MiB) the metrics API reports for each running container of the pod. */
export const MEMORY_ANNOTATION = 'rig.gantry.dev/memory-mib';
export const DEFAULT_MEMORY_MIB = 16;
/**
 * Set for exec'd commands: the container's stdout (a pipe). A line written to it is a line the container
 * printed: it goes, stamped, into the current run's log (`echo hello >> "$RIG_CONTAINER_LOG"`).
 */
export const CONTAINER_LOG_ENV = 'RIG_CONTAINER_LOG';
/** The APIService the metrics API is registered as. */
export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';
/** The ClusterRole granting read access to metrics, aggregated into `view`, `edit` and `admin`. */
export const METRICS_READER_ROLE = 'system:aggregated-metrics-reader';

export interface RigKubeletOptions {
  binary: string;
  certs: RigCertificates;
  /** Its credentials for reading pods (the admin's). */
  kubeconfigPath: string;
  /** The nodes it serves (those of the node agent). */
  nodes: readonly string[];
  /** The loopback port it listens on: every node's kubelet port. */
  port: number;
  /** Where the containers' logs, stdout pipes and working directories go. */
  rootDir: string;
  logPath: string;
}

/** The command line of the rig-kubelet. */
export function rigKubeletArgs(options: RigKubeletOptions): string[] {
  const { certs } = options;
  return [
    `--listen=127.0.0.1:${options.port}`,
    `--tls-cert-file=${certs.kubeletCert}`,
    `--tls-private-key-file=${certs.kubeletKey}`,
    `--client-ca-file=${certs.caCert}`,
    `--kubeconfig=${options.kubeconfigPath}`,
    `--root-dir=${options.rootDir}`,
    `--nodes=${options.nodes.join(',')}`,
    `--kubelet-client-names=${KUBELET_CLIENT_USER}`,
    `--proxy-client-names=${PROXY_CLIENT_USER}`,
  ];
}

/** Starts the rig-kubelet; it answers `/healthz` (without a client certificate) once it listens. */
export function startRigKubelet(options: RigKubeletOptions): Daemon {
  return startDaemon('rig-kubelet', options.binary, rigKubeletArgs(options), options.logPath);
}

/**
 * What registers the metrics API: an ExternalName Service `localhost` (loopback; the availability check
 * looks for endpoints of ClusterIP Services only), the APIService pointing at it on the rig-kubelet's
 * port and trusting the rig's CA, and a ClusterRole that lets `view`, `edit` and `admin` read metrics
 * (metrics-server installs the same).
 */
export function metricsApiObjects(caPem: string, port: number) {
  return {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: METRICS_SERVICE.name, namespace: METRICS_SERVICE.namespace },
      spec: { type: 'ExternalName', externalName: 'localhost' },
    },
    apiService: {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: METRICS_API_SERVICE },
      spec: {
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        service: { ...METRICS_SERVICE, port },
        caBundle: Buffer.from(caPem).toString('base64'),
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
    readerRole: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: METRICS_READER_ROLE,
        labels: Object.fromEntries(
          ['view', 'edit', 'admin'].map((role) => [`rbac.authorization.k8s.io/aggregate-to-${role}`, 'true']),
        ),
      },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list'] }],
    },
  };
}

/**
 * Registers the metrics API once the rig-kubelet answers `/healthz` (registered earlier, the aggregator's
 * first availability check would fail, and it retries late), and resolves once the aggregator has found
 * it available. Fails, like the rig's other waits, when a daemon exits or after the startup timeout.
 */
export async function serveMetricsApi(
  kubeConfig: KubeConfig,
  options: { caPem: string; port: number; daemons: readonly Daemon[] },
): Promise<void> {
  const { caPem, port, daemons } = options;
  await waitFor(
    daemons,
    'the rig-kubelet to answer /healthz',
    async () => (await getStatus(`https://127.0.0.1:${port}/healthz`, caPem)) === 200,
  );
  await registerMetricsApi(kubeConfig, caPem, port);
  await waitFor(daemons, 'the metrics API to be available', () => metricsApiAvailable(kubeConfig));
}

/** Applies {@link metricsApiObjects} by server-side apply. */
async function registerMetricsApi(kubeConfig: KubeConfig, caPem: string, port: number): Promise<void> {
  const { service, apiService, readerRole } = metricsApiObjects(caPem, port);
  const apply = { fieldManager: RIG_FIELD_MANAGER, force: true };
  await Promise.all([
    kubeConfig
      .makeApiClient(CoreV1Api)
      .patchNamespacedService(
        { name: service.metadata.name, namespace: service.metadata.namespace, body: service, ...apply },
        serverSideApply,
      ),
    kubeConfig
      .makeApiClient(ApiregistrationV1Api)
      .patchAPIService({ name: apiService.metadata.name, body: apiService, ...apply }, serverSideApply),
    kubeConfig
      .makeApiClient(RbacAuthorizationV1Api)
      .patchClusterRole({ name: readerRole.metadata.name, body: readerRole, ...apply }, serverSideApply),
  ]);
}

/** Whether the aggregator has found the metrics API answering (its APIService `Available`). */
async function metricsApiAvailable(kubeConfig: KubeConfig): Promise<boolean> {
  const apiService = await kubeConfig
    .makeApiClient(ApiregistrationV1Api)
    .readAPIService({ name: METRICS_API_SERVICE });
  return (
    apiService.status?.conditions?.some(
      (condition) => condition.type === 'Available' && condition.status === 'True',
    ) ?? false
  );
}
