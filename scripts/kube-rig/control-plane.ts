import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.ts';
import type { RigBinaries, RigBinary } from './binaries.ts';
import { PROXY_CLIENT_USER, type RigCertificates } from './certificates.ts';
import { type Daemon, startDaemon } from './daemon.ts';
import { kubeconfigYaml } from './kubeconfig.ts';

/** Services get cluster IPs from here. Loopback: a client dialling one (nothing should) stays on the machine. */
export const SERVICE_CLUSTER_IP_RANGE = '127.1.0.0/16';

/**
 * The controllers the rig runs: workloads, namespaces, garbage collection, service accounts, volumes,
 * node health and EndpointSlices. Left out: cloud, autoscaling, certificate signing, resource claims, and
 * the deprecated Endpoints controller (Endpoints refuse the rig's loopback pod addresses).
 */
const CONTROLLERS = [
  'clusterrole-aggregation-controller',
  'cronjob-controller',
  'daemonset-controller',
  'deployment-controller',
  'disruption-controller',
  'endpointslice-controller',
  'ephemeral-volume-controller',
  'garbage-collector-controller',
  'job-controller',
  'namespace-controller',
  'node-lifecycle-controller',
  'persistentvolume-binder-controller',
  'persistentvolume-protection-controller',
  'persistentvolumeclaim-protection-controller',
  'pod-garbage-collector-controller',
  'replicaset-controller',
  'replicationcontroller-controller',
  'resourcequota-controller',
  'root-ca-certificate-publisher-controller',
  'service-cidr-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'statefulset-controller',
  'taint-eviction-controller',
  'ttl-after-finished-controller',
];

const STARTUP_TIMEOUT_MS = 90_000;

export interface ControlPlane {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** The admin kubeconfig. */
  kubeconfigPath: string;
  /** etcd, kube-apiserver, kube-controller-manager, kube-scheduler, in start order. */
  daemons: Daemon[];
}

export interface ControlPlaneOptions {
  binaries: RigBinaries;
  certs: RigCertificates;
  /** Where etcd's data, the kubeconfig and the API server's scratch files go. */
  dataDir: string;
  /** Where each daemon's log (`<name>.log`) goes. */
  logDir: string;
  /** Called with each daemon as it starts, so the caller can stop it even if the start fails. */
  onStart: (daemon: Daemon) => void;
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager and kube-scheduler on free loopback ports and
 * resolves once the API server's /readyz answers. A daemon exiting meanwhile fails the start with the
 * end of its log; the caller stops whatever was started.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { binaries, certs, dataDir: dir } = options;
  const daemons: Daemon[] = [];
  const launch = (name: RigBinary, args: string[]) => {
    const daemon = startDaemon(name, binaries.path(name), args, join(options.logDir, `${name}.log`));
    daemons.push(daemon);
    options.onStart(daemon);
    return daemon;
  };

  const [etcdClientPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
  const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;
  launch('etcd', [
    '--name=rig',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${etcdPeerUrl}`,
    `--initial-advertise-peer-urls=${etcdPeerUrl}`,
    `--initial-cluster=rig=${etcdPeerUrl}`,
    // Test data: speed over durability, and a small store (the default quota is 2 GiB).
    '--unsafe-no-fsync',
    '--quota-backend-bytes=536870912',
    '--log-level=warn',
  ]);

  const server = `https://127.0.0.1:${apiPort}`;
  const caPem = readFileSync(certs.caCert, 'utf8');
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    kubeconfigYaml({
      server,
      caPem,
      credentials: {
        certPem: readFileSync(certs.adminCert, 'utf8'),
        keyPem: readFileSync(certs.adminKey, 'utf8'),
      },
    }),
    { mode: 0o600 },
  );

  launch('kube-apiserver', [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    // Without it the API server picks the host's first non-loopback address for the `kubernetes` Service.
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'apiserver')}`,
    `--tls-cert-file=${certs.servingCert}`,
    `--tls-private-key-file=${certs.servingKey}`,
    `--client-ca-file=${certs.caCert}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${certs.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${certs.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    // Nothing may publish the API server's address as Endpoints of the `kubernetes` Service.
    '--endpoint-reconciler-type=none',
    '--event-ttl=15m',
    '--profiling=false',
    // Pod logs and exec: the rig-kubelet, at each node's InternalIP (127.0.0.1), over mutual TLS.
    '--kubelet-preferred-address-types=InternalIP',
    `--kubelet-certificate-authority=${certs.caCert}`,
    `--kubelet-client-certificate=${certs.kubeletClientCert}`,
    `--kubelet-client-key=${certs.kubeletClientKey}`,
    // API aggregation (metrics.k8s.io): the aggregator authenticates as the front proxy, passing the
    // user on in headers that the API server accepts from that certificate only.
    `--requestheader-client-ca-file=${certs.caCert}`,
    `--requestheader-allowed-names=${PROXY_CLIENT_USER}`,
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${certs.proxyClientCert}`,
    `--proxy-client-key-file=${certs.proxyClientKey}`,
  ]);
  const controllerFlags = [
    `--kubeconfig=${kubeconfigPath}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
  ];
  launch('kube-controller-manager', [
    ...controllerFlags,
    '--secure-port=0',
    `--controllers=${CONTROLLERS.join(',')}`,
    `--root-ca-file=${certs.caCert}`,
    `--service-account-private-key-file=${certs.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    '--profiling=false',
  ]);
  launch('kube-scheduler', [...controllerFlags, '--secure-port=0', '--profiling=false']);

  await waitFor(
    daemons,
    'the API server to answer /readyz',
    async () => (await getStatus(`${server}/readyz`, caPem)) === 200,
  );
  return { server, kubeconfigPath, daemons };
}

/**
 * Polls `check` until it holds, failing when any daemon exits first (with the end of its log) or after
 * the startup timeout.
 */
export async function waitFor(
  daemons: readonly Daemon[],
  what: string,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const dead = daemons.find((daemon) => !daemon.isRunning());
    if (dead)
      throw new Error(
        `${dead.name} exited while waiting for ${what}; the end of its log:\n${dead.logTail()}`,
      );
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      const tails = daemons.map((daemon) => `--- ${daemon.name}\n${daemon.logTail(10)}`).join('\n');
      throw new Error(
        `timed out after ${STARTUP_TIMEOUT_MS} ms waiting for ${what}; the ends of the logs:\n${tails}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The HTTP status of an anonymous GET over HTTPS trusting only the rig's CA. */
export function getStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
