// The Kubernetes test rig: etcd, kube-apiserver, kube-controller-manager and kube-scheduler built by
// build.sh, on loopback with TLS, plus fake nodes, a kubelet-like server for them (pod logs, exec,
// metrics) and a volume provisioner of our own.
//
//   node scripts/kube-rig/rig.ts [--nodes N] [--info-file PATH] [--parent-pid PID]
//
// starts a rig, prints how to reach it, writes its info (JSON, see rig-info.ts) to PATH, and runs until
// SIGINT or SIGTERM (or until process PID is gone), then stops everything and deletes its files.
// `startKubeRig()` does the same inside another process.

import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { freePort } from '../../test/support/free-port.ts';
import { missingBinaries, RigBinariesMissingError, rigBinaries } from './binaries.ts';
import { ADMIN_USER, createCertificates } from './certificates.ts';
import { SERVICE_CLUSTER_IP_RANGE, startControlPlane, waitFor } from './control-plane.ts';
import type { Daemon } from './daemon.ts';
import { type NodeAgent, startNodeAgent } from './node-agent.ts';
import { type RigInfo, writeRigInfo } from './rig-info.ts';
import { serveMetricsApi, startRigKubelet } from './rig-kubelet.ts';
import {
  RIG_PROVISIONER,
  RIG_STORAGE_CLASS,
  startVolumeProvisioner,
  type VolumeProvisioner,
} from './volume-provisioner.ts';

export { RigBinariesMissingError } from './binaries.ts';
export type { RigInfo } from './rig-info.ts';

export interface KubeRigOptions {
  /** How many fake nodes (default 3). */
  nodes?: number;
  /** Receives the rig's own diagnostics (a heartbeat refused, a watch dropped); default: `rig.log` in the log directory. */
  log?: (message: string) => void;
}

export interface KubeRig {
  info: RigInfo;
  /** Stops the agents and daemons and deletes the rig's files; safe to call twice. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 3_000;

/**
 * Starts a rig and resolves once it is usable: /readyz answers, every node is Ready and schedulable,
 * the `default` ServiceAccount exists in `default`, and the metrics API is available.
 *
 * @throws {RigBinariesMissingError} when build.sh has not built the binaries.
 */
export async function startKubeRig(options: KubeRigOptions = {}): Promise<KubeRig> {
  const began = performance.now();
  const binaries = rigBinaries();
  const missing = missingBinaries(binaries);
  if (missing.length > 0) throw new RigBinariesMissingError(binaries.binDir, missing);

  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-kube-rig-'));
  const logDir = mkdirAt(dataDir, 'logs');
  const log =
    options.log ??
    ((message: string) =>
      appendFileSync(join(logDir, 'rig.log'), `${new Date().toISOString()} ${message}\n`));
  const daemons: Daemon[] = [];
  let agent: NodeAgent | undefined;
  let provisioner: VolumeProvisioner | undefined;
  // If this process ends without stop(), leave nothing running and nothing on disk.
  const killOnExit = () => {
    for (const daemon of daemons) daemon.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      agent?.stop();
      provisioner?.stop();
      // Clients first, so the API server and etcd do not log their departure as errors.
      const [etcd, apiserver, ...clients] = daemons;
      await Promise.all(clients.map((daemon) => daemon.stop(STOP_GRACE_MS)));
      await apiserver?.stop(STOP_GRACE_MS);
      await etcd?.stop(STOP_GRACE_MS);
      process.removeListener('exit', killOnExit);
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    })();
    return stopping;
  };

  try {
    const [certs, kubeletPort] = await Promise.all([createCertificates(mkdirAt(dataDir, 'pki')), freePort()]);
    const plane = await startControlPlane({
      binaries,
      certs,
      dataDir,
      logDir,
      onStart: (daemon) => daemons.push(daemon),
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(plane.kubeconfigPath);
    const caPem = readFileSync(certs.caCert, 'utf8');
    const nodes = Array.from({ length: options.nodes ?? 3 }, (_, index) => `rig-node-${index}`);
    const kubeletDir = mkdirAt(dataDir, 'kubelet');
    daemons.push(
      startRigKubelet({
        binary: binaries.path('rig-kubelet'),
        certs,
        kubeconfigPath: plane.kubeconfigPath,
        nodes,
        port: kubeletPort,
        rootDir: kubeletDir,
        logPath: join(logDir, 'rig-kubelet.log'),
      }),
    );
    // One after the other, so that a failure leaves nothing unknown to stop() running.
    agent = await startNodeAgent(kubeConfig, {
      nodeNames: nodes,
      kubeletVersion: binaries.kubernetesVersion,
      kubeletPort,
      log,
    });
    provisioner = await startVolumeProvisioner(kubeConfig, mkdirAt(dataDir, 'volumes'), log);
    await Promise.all([
      waitUntilUsable(kubeConfig, nodes, daemons),
      serveMetricsApi(kubeConfig, { caPem, port: kubeletPort, daemons }),
    ]);
    const info: RigInfo = {
      server: plane.server,
      kubeconfigPath: plane.kubeconfigPath,
      caPath: certs.caCert,
      caPem,
      adminUser: ADMIN_USER,
      nodes,
      storageClass: RIG_STORAGE_CLASS,
      provisioner: RIG_PROVISIONER,
      serviceClusterIpRange: SERVICE_CLUSTER_IP_RANGE,
      versions: { kubernetes: binaries.kubernetesVersion, etcd: binaries.etcdVersion },
      kubeletPort,
      kubeletDir,
      dataDir,
      logDir,
      pids: Object.fromEntries(daemons.map((daemon) => [daemon.name, daemon.pid])),
      startMs: Math.round(performance.now() - began),
    };
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every node Ready without the not-ready taint (so pods schedule), and the default ServiceAccount made. */
async function waitUntilUsable(
  kubeConfig: KubeConfig,
  nodes: readonly string[],
  daemons: readonly Daemon[],
): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await waitFor(daemons, `nodes ${nodes.join(', ')} to be Ready and schedulable`, async () => {
    const list = await core.listNode();
    const usable = list.items.filter(
      (node) =>
        node.status?.conditions?.some(
          (condition) => condition.type === 'Ready' && condition.status === 'True',
        ) && !node.spec?.taints?.some((taint) => taint.key.startsWith('node.kubernetes.io/')),
    );
    return nodes.every((name) => usable.some((node) => node.metadata?.name === name));
  });
  await waitFor(daemons, 'the default ServiceAccount', async () => {
    await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
    return true;
  });
}

function mkdirAt(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      'info-file': { type: 'string' },
      'parent-pid': { type: 'string' },
    },
  });
  const infoFile = values['info-file'];
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  // Until the rig is up, a signal ends the process at once; the `exit` handler of startKubeRig then kills
  // the daemons (which sit in their own process group, out of the signal's reach) and deletes the files.
  const exitNow = () => process.exit(130);
  for (const signal of signals) process.once(signal, exitNow);
  const log = (message: string) => process.stderr.write(`kube-rig: ${message}\n`);
  const rig = await startKubeRig({ log, ...(values.nodes ? { nodes: Number(values.nodes) } : {}) });
  const stopAndExit = () => {
    void rig.stop().finally(() => {
      if (infoFile) rmSync(infoFile, { force: true });
      process.exit(0);
    });
  };
  for (const signal of signals) {
    process.removeListener(signal, exitNow);
    process.once(signal, stopAndExit);
  }
  if (infoFile) writeRigInfo(infoFile, rig.info);
  const { info } = rig;
  process.stdout.write(
    [
      `kube-rig: Kubernetes ${info.versions.kubernetes} (etcd ${info.versions.etcd}) ready at ${info.server} in ${info.startMs} ms` +
        ` (${Math.round(performance.now())} ms after this process started)`,
      `  nodes: ${info.nodes.join(', ')}; default StorageClass ${info.storageClass}`,
      `  export KUBECONFIG=${info.kubeconfigPath}`,
      ...(infoFile ? [`  info: ${infoFile}`] : []),
      `  logs: ${info.logDir}`,
      '  Ctrl-C stops the rig and deletes its files.',
      '',
    ].join('\n'),
  );
  const parent = Number(values['parent-pid']);
  if (Number.isInteger(parent) && parent > 0) {
    // A test process that started us may die without a word: do not outlive it.
    const watching = setInterval(() => {
      try {
        process.kill(parent, 0);
      } catch {
        clearInterval(watching);
        stopAndExit();
      }
    }, 1_000);
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`kube-rig: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
