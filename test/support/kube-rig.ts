import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  StorageV1Api,
} from '@kubernetes/client-node';
import { missingBinaries, rigBinaries } from '../../scripts/kube-rig/binaries.ts';
import { kubeconfigYaml } from '../../scripts/kube-rig/kubeconfig.ts';
import { followCollection, type WatchEventType } from '../../scripts/kube-rig/list-watch.ts';
import { KUBE_RIG_ENV, type RigInfo, readRigInfo } from '../../scripts/kube-rig/rig-info.ts';
import type { KubeObject } from '../../src/targets/kubernetes/kube-object.ts';
import { skipOutsideCi } from '../runner/real-dependency.ts';

export { READY_AFTER_ANNOTATION } from '../../scripts/kube-rig/pod-status.ts';
export { KUBE_RIG_ENV, type RigInfo } from '../../scripts/kube-rig/rig-info.ts';
export {
  CONTAINER_LOG_ENV,
  CPU_ANNOTATION,
  DEFAULT_CPU_MILLICORES,
  DEFAULT_MEMORY_MIB,
  LOG_EVERY_ANNOTATION,
  MEMORY_ANNOTATION,
} from '../../scripts/kube-rig/rig-kubelet.ts';
export { RIG_PROVISIONER, RIG_STORAGE_CLASS } from '../../scripts/kube-rig/volume-provisioner.ts';

/** A connection to the rig as its admin (`system:masters`), with the API clients tests use most. */
export interface KubeRigClient {
  info: RigInfo;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  rbac: RbacAuthorizationV1Api;
  storage: StorageV1Api;
  objects: KubernetesObjectApi;
}

const RIG_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/kube-rig/rig.ts');
const OWN_RIG_TIMEOUT_MS = 120_000;

/**
 * Why the rig cannot be used here, or undefined when it can: the run provides one
 * ({@link KUBE_RIG_ENV}), or its binaries are built so this process can start one.
 */
export function kubeRigUnavailableReason(): string | undefined {
  if (process.env[KUBE_RIG_ENV]) return undefined;
  const binaries = rigBinaries();
  const missing = missingBinaries(binaries);
  if (missing.length === 0) return undefined;
  return `the Kubernetes rig is not built (${missing.join(', ')} missing in ${binaries.binDir}): run \`bash scripts/kube-rig/build.sh\``;
}

/**
 * The options for `describe(name, options, …)`: skip outside CI when the rig cannot run. In CI the suite
 * runs and fails, since {@link useKubeRig} then throws.
 */
export function kubeRigSuiteOptions(): { skip?: string } {
  const reason = kubeRigUnavailableReason();
  return skipOutsideCi(reason);
}

let connecting: Promise<KubeRigClient> | undefined;
const cleanups: Array<() => Promise<unknown>> = [];

/**
 * Deletes what the helpers created once this process has nothing left to do. Not `after()`: called from
 * a `before` hook, that would run as soon as the hook ends; and benchmarks use these helpers too.
 */
process.on('beforeExit', () => {
  const pending = cleanups.splice(0);
  if (pending.length > 0) void Promise.allSettled(pending.map((cleanup) => cleanup()));
});

/**
 * The rig of this test run: the one named by {@link KUBE_RIG_ENV} (scripts/test.ts starts one for the
 * whole run), or else one started for this process, in a child process (its watches would keep this one
 * from exiting) that stops when this process exits.
 */
export function useKubeRig(): Promise<KubeRigClient> {
  connecting ??= (async () => {
    const info = readRigInfo(process.env[KUBE_RIG_ENV] || (await startOwnRig()));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(info.kubeconfigPath);
    return {
      info,
      kubeConfig,
      core: kubeConfig.makeApiClient(CoreV1Api),
      apps: kubeConfig.makeApiClient(AppsV1Api),
      batch: kubeConfig.makeApiClient(BatchV1Api),
      rbac: kubeConfig.makeApiClient(RbacAuthorizationV1Api),
      storage: kubeConfig.makeApiClient(StorageV1Api),
      objects: KubernetesObjectApi.makeApiClient(kubeConfig),
    };
  })();
  return connecting;
}

async function startOwnRig(): Promise<string> {
  const reason = kubeRigUnavailableReason();
  if (reason !== undefined) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'gantry-rig-client-'));
  const infoPath = join(dir, 'rig.json');
  const logPath = join(dir, 'rig.log');
  const log = openSync(logPath, 'w');
  const child = spawn(
    process.execPath,
    [RIG_SCRIPT, '--info-file', infoPath, '--parent-pid', String(process.pid)],
    {
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  closeSync(log);
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  process.once('exit', () => {
    // The rig stops itself (and deletes its files) on SIGTERM; it also notices this process is gone.
    if (!exited) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + OWN_RIG_TIMEOUT_MS;
  while (!existsSync(infoPath)) {
    if (exited || Date.now() > deadline) {
      throw new Error(
        `the Kubernetes rig did not start: ${readFileSync(logPath, 'utf8').trim() || '(no output)'}`,
      );
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return infoPath;
}

/**
 * Creates a namespace named `<prefix>-<random>`, deleted when this test process ends (without waiting for
 * it to be gone).
 */
export async function freshNamespace(rig: KubeRigClient, prefix: string): Promise<string> {
  const label =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 50)
      .replace(/^-+|-+$/g, '') || 'test';
  const name = `${label}-${randomBytes(3).toString('hex')}`;
  await rig.core.createNamespace({ body: { metadata: { name } } });
  cleanups.push(() => rig.core.deleteNamespace({ name }));
  return name;
}

export interface ServiceAccountCredentials {
  /** A TokenRequest token (one hour) of the ServiceAccount. */
  token: string;
  /** A kubeconfig using the token, its namespace set to the ServiceAccount's. */
  kubeconfig: string;
  /** Deletes the ServiceAccount, which invalidates the token (the API server may accept it for a few seconds more). */
  revoke(): Promise<void>;
}

/**
 * Creates ServiceAccount `name` in `namespace` and returns a token for it. With `clusterRole`, a
 * ClusterRoleBinding grants that role cluster-wide (deleted when this process ends); without,
 * the account may do nothing (a request gets 403).
 */
export async function serviceAccountToken(
  rig: KubeRigClient,
  options: { namespace: string; name: string; clusterRole?: string },
): Promise<ServiceAccountCredentials> {
  const { namespace, name, clusterRole } = options;
  await rig.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  if (clusterRole) {
    const binding = `gantry-test:${namespace}:${name}`;
    await rig.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: binding },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
    cleanups.push(() => rig.rbac.deleteClusterRoleBinding({ name: binding }));
  }
  const request = await rig.core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`the TokenRequest for ServiceAccount ${namespace}/${name} returned no token`);
  return {
    token,
    kubeconfig: kubeconfigYaml({
      server: rig.info.server,
      caPem: rig.info.caPem,
      credentials: { token },
      namespace,
    }),
    async revoke() {
      await rig.core.deleteNamespacedServiceAccount({ name, namespace });
    },
  };
}

/** A client configuration from kubeconfig text (e.g. {@link ServiceAccountCredentials.kubeconfig}). */
export function kubeConfigFrom(kubeconfig: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  return config;
}

export interface WaitTarget {
  /** The collection, e.g. `/apis/apps/v1/namespaces/shop/deployments`. */
  path: string;
  /** Only the object of this name. */
  name?: string;
  /** Only objects with these labels, e.g. `app=web`. */
  labelSelector?: string;
  /** Watch changes after this version (to see a deletion that may already be under way). */
  resourceVersion?: string;
}

/**
 * Watches `target` until `accept` returns true for an event and returns that event's object; fails after
 * `timeoutMs` with the last object seen. Existing objects arrive first as ADDED, possibly a moment older
 * than a write just made: to wait for the effects of a write, pass its resourceVersion.
 */
export async function waitForObject<T extends KubeObject = KubeObject>(
  rig: KubeRigClient,
  target: WaitTarget,
  accept: (object: T, type: WatchEventType) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const query = new URLSearchParams();
  if (target.name) query.set('fieldSelector', `metadata.name=${target.name}`);
  if (target.labelSelector) query.set('labelSelector', target.labelSelector);
  const stopper = new AbortController();
  let last: T | undefined;
  let lastError: unknown;
  return new Promise<T>((resolveObject, reject) => {
    const timer = setTimeout(() => {
      stopper.abort();
      const seen = last
        ? JSON.stringify({ metadata: { name: last.metadata.name }, status: last.status })
        : 'nothing';
      const error = lastError ? `; last watch error: ${String(lastError)}` : '';
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting on ${target.path}?${query}: last seen ${seen}${error}`,
        ),
      );
    }, timeoutMs);
    void followCollection<T>(
      rig.kubeConfig,
      `${target.path}?${query}`,
      (type, object) => {
        last = object;
        if (!stopper.signal.aborted && accept(object, type)) {
          clearTimeout(timer);
          stopper.abort();
          resolveObject(object);
        }
      },
      {
        signal: stopper.signal,
        onError: (error) => {
          lastError = error;
        },
        ...(target.resourceVersion ? { resourceVersion: target.resourceVersion } : {}),
      },
    );
  });
}
