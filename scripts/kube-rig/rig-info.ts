import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Names the info file of a running rig that tests connect to (set by scripts/test.ts). */
export const KUBE_RIG_ENV = 'GANTRY_TEST_KUBE_RIG';

/** What a running rig tells its users; written as JSON by `rig.ts --info-file`. */
export interface RigInfo {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** An admin kubeconfig (client certificate in `system:masters`), certificates embedded. */
  kubeconfigPath: string;
  /** The CA that signed the API server's certificate (and the admin's). */
  caPath: string;
  caPem: string;
  /** The user name of the admin's certificate. */
  adminUser: string;
  /** The fake nodes, all Ready. */
  nodes: string[];
  /** The default StorageClass, served by the rig's provisioner. */
  storageClass: string;
  provisioner: string;
  serviceClusterIpRange: string;
  versions: { kubernetes: string; etcd: string };
  /** The loopback port of the rig-kubelet: every node's kubelet port, and the metrics API's. */
  kubeletPort: number;
  /**
   * The rig-kubelet's directory: `pods/<namespace>_<pod>_<uid>/<container>/` holds each run's
   * `<restartCount>.log`, the `stdout` pipe and the `work/` directory of exec'd commands.
   */
  kubeletDir: string;
  /** Temporary directory of the rig (data, certificates, volumes), removed when it stops. */
  dataDir: string;
  /** Logs of etcd, the control plane and the rig-kubelet. */
  logDir: string;
  /** Process IDs of the rig's daemons, by name. */
  pids: Record<string, number>;
  /** Milliseconds from the start call to a usable rig. */
  startMs: number;
}

/** Writes the info file whole (write then rename), so a reader polling for it never sees half of it. */
export function writeRigInfo(path: string, info: RigInfo): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(partial, path);
}

/** Reads a rig's info file, failing with the path when it is not one. */
export function readRigInfo(path: string): RigInfo {
  const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<RigInfo>;
  for (const key of ['server', 'kubeconfigPath', 'caPem'] as const) {
    if (typeof info[key] !== 'string')
      throw new Error(`${path} is not a kube rig info file: it has no "${key}"`);
  }
  return info as RigInfo;
}
