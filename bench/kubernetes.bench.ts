/**
 * Kubernetes benchmark (issue 5), against the test rig (a real kube-apiserver, etcd, controller
 * manager and scheduler with fake nodes; `test/support/kube-rig.ts`):
 *
 * 1. applying a set of manifests (100 ConfigMaps, 50 Services, 50 Deployments by default) with
 *    Gantry's applier and with `kubectl apply --server-side` on the same rig in the same run, each
 *    into a fresh namespace, in rotating order;
 * 2. rollout complete → deployment success recorded, through a real Gantry server: from the watch
 *    event in which the Deployment's status says the rollout is complete to Gantry recording the
 *    deployment `success`;
 * 3. crash-looping release → deployment failed: from the push to the deployment `failed`.
 *
 * Uses the rig named by GANTRY_TEST_KUBE_RIG, or starts one for this process. The Gantry server runs
 * in this process (`startTestServer`), on SQLite and/or PostgreSQL (a throwaway cluster unless
 * GANTRY_TEST_POSTGRES_URL names one). Plain-text tables go to stdout, progress to stderr. It is
 * not a test: goals are reported, never enforced (the exit code is non-zero only when the benchmark
 * could not run, e.g. a deployment ended with the wrong status).
 *
 * Usage: node bench/kubernetes.bench.ts [--dialect sqlite|postgres|both] [--manifests 200]
 *                                       [--apply-rounds 5] [--rollout-rounds 5]
 *                                       [--ready-after-ms 1500] [--crash-rounds 3]
 */
import diagnostics from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { followCollection } from '../scripts/kube-rig/list-watch.ts';
import { DEFAULT_NAMESPACE_TEMPLATE, renderNamespace } from '../src/domain/kubernetes-namespace.ts';
import type { Dialect } from '../src/store/dialect.ts';
import { applyObjects, DEFAULT_APPLY_CONCURRENCY } from '../src/targets/kubernetes/applier.ts';
import { applySteps } from '../src/targets/kubernetes/apply-order.ts';
import { DEPLOYMENT_ANNOTATION, PROJECT_LABEL } from '../src/targets/kubernetes/gantry-metadata.ts';
import { kubeConfigFromSettings } from '../src/targets/kubernetes/kube-connection.ts';
import { isNotFound } from '../src/targets/kubernetes/kube-errors.ts';
import type { KubeObject } from '../src/targets/kubernetes/kube-object.ts';
import { findKubeTool } from '../src/targets/kubernetes/kube-tools.ts';
import { deployment, deploymentsOf, job } from '../test/deployments/deployment-helpers.ts';
import {
  deployPipeline,
  type KubeDeploymentView,
  kubeProject,
} from '../test/kubernetes/kubernetes-deploy-helpers.ts';
import { type KubeRigClient, READY_AFTER_ANNOTATION, useKubeRig } from '../test/support/kube-rig.ts';
import { pushFiles, trace } from '../test/support/pipeline-helpers.ts';
import { POSTGRES_URL_ENV, startPostgres } from '../test/support/postgres.ts';
import { startTestServer, type TestServer } from '../test/support/test-server.ts';
import { runBench } from './support/bench-main.ts';
import { parseBenchArgs } from './support/bench-options.ts';
import { print, progress } from './support/bench-output.ts';
import { CleanupRegistry } from './support/cleanup-registry.ts';
import { percentile } from './support/latency-summary.ts';
import { runCommand } from './support/run-command.ts';
import { sleep } from './support/sleep.ts';
import { temporaryDirectory } from './support/temporary-directory.ts';
import { fixed, table } from './support/text-table.ts';

interface BenchOptions {
  dialects: Dialect[];
  manifests: number;
  applyRounds: number;
  rolloutRounds: number;
  readyAfterMs: number;
  crashRounds: number;
  /** Requests the applier keeps in flight within a step. */
  concurrency: number;
}

const APPLY_RATIO_GOAL = 0.5;
const ROLLOUT_GOAL_MS = 500;
const CRASH_GOAL_MS = 30_000;
/** How often the API is polled once the cluster says the rollout is complete. */
const POLL_MS = 10;
/** How long a deployment may take in rollout and crash rounds before the benchmark gives up. */
const ROUND_TIMEOUT_MS = 180_000;

const USAGE = `Usage: node bench/kubernetes.bench.ts [--dialect sqlite|postgres|both] [--manifests N]
                                      [--apply-rounds N] [--rollout-rounds N]
                                      [--ready-after-ms N] [--crash-rounds N] [--concurrency N]

  --dialect         Gantry's database; "both" runs everything once per dialect (default sqlite)
  --manifests       objects applied per apply round: half ConfigMaps, a quarter each Services and
                    Deployments of 1 replica (default 200)
  --apply-rounds    timed apply rounds, after one untimed warm-up round (default 5)
  --rollout-rounds  deployments timed from rollout complete to success recorded (default 5)
  --ready-after-ms  how long the rollout benchmark's pods take to turn ready (default 1500)
  --crash-rounds    crash-looping releases timed from push to failed (default 3)
  --concurrency     requests Gantry's applier keeps in flight within a step (default: the applier's, ${DEFAULT_APPLY_CONCURRENCY})`;

function parseOptions(argv: readonly string[]): BenchOptions {
  return parseBenchArgs(argv, USAGE, {
    manifests: { default: 200, min: 3, max: 2000 },
    applyRounds: { default: 5, min: 1, max: 100 },
    rolloutRounds: { default: 5, min: 1, max: 100 },
    readyAfterMs: { default: 1500, min: 0, max: 60_000 },
    crashRounds: { default: 3, min: 1, max: 100 },
    concurrency: { default: DEFAULT_APPLY_CONCURRENCY, min: 1, max: 256 },
  });
}

const cleanup = new CleanupRegistry();
cleanup.installProcessHandlers('stopping the server, deleting namespaces and temporary files');

/** A run-unique suffix for namespaces and project paths, so runs against one rig never collide. */
const RUN = Date.now().toString(36).slice(-5);
let namespaceCounter = 0;

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const maximum = (values: readonly number[]) => (values.length === 0 ? Number.NaN : Math.max(...values));

// ---------------------------------------------------------------------------------------------
// 1. Apply: Gantry's applier vs kubectl apply --server-side

/** The manifest set of one apply round: half ConfigMaps, then Services and Deployments. */
function applyManifests(count: number, namespace: string): KubeObject[] {
  const configMaps = Math.ceil(count / 2);
  const services = Math.floor((count - configMaps) / 2);
  const deployments = count - configMaps - services;
  const id = (i: number) => String(i + 1).padStart(3, '0');
  const objects: KubeObject[] = [];
  for (let i = 0; i < configMaps; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `config-${id(i)}`, namespace, labels: { bench: 'apply' } },
      data: {
        'app.properties': `server.port=8080\nfeature.flag.${i}=true\nlog.level=info\n`,
        greeting: `hello from config ${i}`,
      },
    });
  }
  for (let i = 0; i < services; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `app-${id(i)}`, namespace, labels: { bench: 'apply' } },
      spec: { selector: { app: `app-${id(i)}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
  }
  for (let i = 0; i < deployments; i++) {
    const labels = { app: `app-${id(i)}` };
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${id(i)}`, namespace, labels: { bench: 'apply', ...labels } },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'app',
                image: `registry.local/bench/app-${id(i)}:1`,
                ports: [{ containerPort: 8080 }],
                envFrom: [{ configMapRef: { name: `config-${id(i)}` } }],
              },
            ],
          },
        },
      },
    });
  }
  return objects;
}

/** Writes one file per object, named so that kubectl (which reads a directory in name order) applies them in Gantry's step order. */
async function writeManifestDir(dir: string, objects: readonly KubeObject[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const ordered = applySteps(objects).flatMap((step) => step.items);
  await Promise.all(
    ordered.map((object, i) =>
      writeFile(
        join(dir, `${String(i).padStart(4, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`),
        stringify(object),
      ),
    ),
  );
}

type Contender = 'kubectl' | 'gantry';

const CONTENDERS: readonly Contender[] = ['kubectl', 'gantry'];

const CONTENDER_LABELS: Record<Contender, string> = {
  kubectl: 'kubectl apply --server-side -f <dir>',
  gantry: 'Gantry, as a deployment applies (dry run of the set, then apply)',
};

interface ApplySample {
  ms: number;
  /** CPU the API server and etcd spent meanwhile (from /proc), ms; NaN when not readable. */
  serverCpuMs: number;
  /** CPU this process spent meanwhile (Gantry only: the applier's client side), ms. */
  clientCpuMs: number;
  /** Gantry's requests by method (`GET 3, PATCH 400`), counted on undici's diagnostics channel. */
  requests: string;
}

interface ApplyResult {
  manifests: number;
  kinds: string;
  rounds: number;
  samples: Record<Contender, ApplySample[]>;
  kubectlVersion: string;
}

/** User + system CPU time of the given processes, in ms (Linux /proc, 100 ticks a second); NaN when unreadable. */
function cpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start at its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return Number.NaN;
    }
  }
  return ticks * 10;
}

/** Waits until every Deployment in the namespace has its replica available, so the next measurement starts on a quiet cluster. */
async function settle(rig: KubeRigClient, namespace: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const list = await rig.apps.listNamespacedDeployment({ namespace });
    if (list.items.every((d) => (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1))) return;
    await sleep(250);
  }
  progress(`the Deployments in ${namespace} were not all available after 120 s; measuring on`);
}

/**
 * Deletes namespaces; with `wait`, until each is gone or holds nothing but terminating pods (a fake
 * kubelet that does not finish pod deletions would otherwise keep it forever), at most 120 s.
 */
async function deleteNamespaces(rig: KubeRigClient, names: readonly string[], wait: boolean): Promise<void> {
  await Promise.all(
    names.map((name) =>
      rig.core.deleteNamespace({ name }).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      }),
    ),
  );
  if (!wait) return;
  const deadline = performance.now() + 120_000;
  const emptied = async (namespace: string) => {
    const [deployments, replicaSets, pods] = await Promise.all([
      rig.apps.listNamespacedDeployment({ namespace }),
      rig.apps.listNamespacedReplicaSet({ namespace }),
      rig.core.listNamespacedPod({ namespace }),
    ]);
    return (
      deployments.items.length === 0 &&
      replicaSets.items.length === 0 &&
      pods.items.every((pod) => pod.metadata?.deletionTimestamp)
    );
  };
  for (const name of names) {
    while (!(await emptied(name))) {
      if (performance.now() > deadline) {
        progress(`namespace ${name} still held objects after 120 s; measuring on`);
        return;
      }
      await sleep(250);
    }
  }
}

async function applyBench(rig: KubeRigClient, options: BenchOptions): Promise<ApplyResult> {
  const kubectl = await findKubeTool('kubectl', 'to compare with kubectl apply');
  const kubeconfigText = readFileSync(rig.info.kubeconfigPath, 'utf8');
  const home = (await temporaryDirectory(cleanup, 'gantry-bench-kubectl-home-', 'kubectl home')).path;
  const files = (await temporaryDirectory(cleanup, 'gantry-bench-manifests-', 'manifest files')).path;
  // kubectl keeps its discovery cache under $HOME/.kube/cache, as on a user's machine: the warm-up
  // round fills it. Gantry discovers afresh in every round, as every deployment does (its cache
  // lives with the connection, which a deployment builds from the target's settings).
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: rig.info.kubeconfigPath };
  const version = await runCommand(kubectl, ['version', '--client', '-o', 'json'], { env });
  const kubectlVersion =
    (JSON.parse(version.stdout || '{}') as { clientVersion?: { gitVersion?: string } }).clientVersion
      ?.gitVersion ?? '?';
  const serverPids = ['kube-apiserver', 'etcd'].flatMap((name) => {
    const pid = rig.info.pids?.[name];
    return pid === undefined ? [] : [pid];
  });

  const run = async (contender: Contender, namespace: string, dir: string): Promise<ApplySample> => {
    const objects = applyManifests(options.manifests, namespace);
    const requests = new Map<string, number>();
    const count = (message: unknown) => {
      const method = (message as { request?: { method?: string } }).request?.method ?? '?';
      requests.set(method, (requests.get(method) ?? 0) + 1);
    };
    if (contender !== 'kubectl') diagnostics.subscribe('undici:request:create', count);
    const cpuBefore = process.cpuUsage();
    const serverBefore = cpuMsOf(serverPids);
    const started = performance.now();
    if (contender === 'kubectl') {
      const result = await runCommand(
        kubectl,
        ['apply', '--server-side', '--field-manager=bench', '-f', dir],
        { env },
      );
      const applied = result.stdout.split('\n').filter((line) => line.endsWith(' serverside-applied')).length;
      if (result.code !== 0 || applied !== objects.length) {
        throw new Error(
          `kubectl apply exited ${result.code} having applied ${applied} of ${objects.length} objects: ${result.stderr.trim()}`,
        );
      }
    } else {
      // A new connection per round, as a deployment builds from its target's settings.
      const kubeConfig: KubeConfig = kubeConfigFromSettings({ kubeconfig: kubeconfigText });
      const steps = applySteps(objects).map((step) => step.items);
      const applied = await applyObjects({ kubeConfig, steps, concurrency: options.concurrency });
      if (applied.length !== objects.length) {
        throw new Error(`Gantry applied ${applied.length} of ${objects.length} objects`);
      }
    }
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (contender !== 'kubectl') diagnostics.unsubscribe('undici:request:create', count);
    return {
      ms,
      serverCpuMs: cpuMsOf(serverPids) - serverBefore,
      clientCpuMs: contender === 'kubectl' ? Number.NaN : (cpu.user + cpu.system) / 1000,
      requests:
        contender === 'kubectl'
          ? `PATCH ${objects.length} (1 per object, sequential)`
          : [...requests].map(([method, n]) => `${method} ${n}`).join(', '),
    };
  };

  const samples: Record<Contender, ApplySample[]> = { kubectl: [], gantry: [] };
  for (let round = 0; round <= options.applyRounds; round++) {
    const warmUp = round === 0;
    // Rotating order, so neither side always runs on a cluster still busy with the other's pods.
    const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]!);
    const namespaces: string[] = [];
    for (const contender of order) {
      const namespace = `bench-apply-${RUN}-${++namespaceCounter}`;
      namespaces.push(namespace);
      // Created beforehand for every contender: kubectl needs it, and Gantry then only reads it.
      await rig.core.createNamespace({ body: { metadata: { name: namespace } } });
      cleanup.defer(`namespace ${namespace}`, () => deleteNamespaces(rig, [namespace], false));
      const dir = join(files, namespace);
      await writeManifestDir(dir, applyManifests(options.manifests, namespace));
      const sample = await run(contender, namespace, dir);
      progress(
        `apply round ${warmUp ? 'warm-up' : round}: ${contender} ${fixed(sample.ms, 0)} ms (${namespace})`,
      );
      if (!warmUp) samples[contender].push(sample);
      const settling = performance.now();
      await settle(rig, namespace);
      progress(`  its Deployments were available ${fixed((performance.now() - settling) / 1000, 1)} s later`);
    }
    // Gone before the next round, so pods do not pile up on the fake nodes.
    const deleting = performance.now();
    await deleteNamespaces(rig, namespaces, true);
    progress(`  the round's namespaces emptied in ${fixed((performance.now() - deleting) / 1000, 1)} s`);
  }
  const first = applyManifests(options.manifests, 'x');
  const kinds = applySteps(first)
    .map((step) => `${step.items.length} ${step.items[0]!.kind}s`)
    .join(' + ');
  return { manifests: options.manifests, kinds, rounds: options.applyRounds, samples, kubectlVersion };
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Deployments through a Gantry server

/** When the server's bus announced each deployment status, by deployment id (performance.now()). */
type BusTimes = Map<number, Map<string, number>>;

/** Resolves with the first finished status of a deployment and when the bus announced it. */
async function finishedOnBus(
  bus: BusTimes,
  id: number,
  timeoutMs = ROUND_TIMEOUT_MS,
): Promise<{ status: string; at: number }> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    for (const [status, at] of bus.get(id) ?? []) {
      if (['success', 'failed', 'canceled', 'skipped'].includes(status)) return { status, at };
    }
    await sleep(5);
  }
  throw new Error(`deployment ${id} did not finish within ${timeoutMs / 1000} s`);
}

async function deploymentOfPush(t: TestServer, projectId: number, sha: string): Promise<number> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const found = (await deploymentsOf(t, projectId)).find((d) => d.sha === sha);
    if (found) return found.id;
    await sleep(20);
  }
  throw new Error(`no deployment for ${sha} within 60 s`);
}

/** The job log of a deployment's deploy job, to explain a round that went wrong. */
async function deploymentLog(t: TestServer, projectId: number, id: number): Promise<string> {
  const record = await deployment(t, projectId, id);
  return record.deployable ? trace(t, projectId, record.deployable.id) : `(deployment ${id} has no job)`;
}

/** A Deployment whose pods turn ready `readyAfterMs` after they start; the image is Gantry's to set. */
function rolloutManifest(round: number, replicas: number, readyAfterMs: number): string {
  return `# round ${round}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations: { ${READY_AFTER_ANNOTATION}: "${readyAfterMs}" }
    spec:
      containers:
        - name: web
          image: web
`;
}

/** Whether a Deployment's rollout of its current spec is complete, by kubectl's rollout-status rules. */
function rolloutComplete(deployment: KubeObject): boolean {
  const spec = (deployment.spec ?? {}) as { replicas?: number };
  const status = (deployment.status ?? {}) as {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
  const wanted = spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1) &&
    updated >= wanted &&
    (status.replicas ?? 0) <= updated &&
    (status.availableReplicas ?? 0) >= updated
  );
}

interface DeployServer {
  dialect: Dialect;
  t: TestServer;
  bus: BusTimes;
  work: string;
}

async function startDeployServer(dialect: Dialect): Promise<DeployServer> {
  if (dialect === 'postgres' && !process.env[POSTGRES_URL_ENV]) {
    progress('starting a throwaway PostgreSQL');
    const postgres = await startPostgres();
    cleanup.defer('PostgreSQL', async () => {
      delete process.env[POSTGRES_URL_ENV];
      await postgres.stop();
    });
    process.env[POSTGRES_URL_ENV] = postgres.url;
  }
  progress(`${dialect}: starting a Gantry server in this process`);
  const t = await startTestServer(dialect);
  cleanup.defer('Gantry server', () => t.stop());
  const bus: BusTimes = new Map();
  const unsubscribe = t.server.bus.on('deployment', (event) => {
    const times = bus.get(event.id) ?? new Map<string, number>();
    if (!times.has(event.status)) times.set(event.status, performance.now());
    bus.set(event.id, times);
  });
  cleanup.defer('bus listener', async () => unsubscribe());
  const work = (await temporaryDirectory(cleanup, 'gantry-bench-kube-work-', 'clones')).path;
  return { dialect, t, bus, work };
}

/** A project with the rig as its Kubernetes target, cloned, with a `k8s/` folder for the manifests. */
async function benchProject(
  rig: KubeRigClient,
  server: DeployServer,
  name: string,
): Promise<{ id: number; clone: string; namespace: string }> {
  const path = `bench-k8s-${RUN}/${name}-${server.dialect}`;
  const project = await kubeProject(server.t, rig, server.work, path);
  await mkdir(join(project.clone, 'k8s'), { recursive: true });
  // Project and deployment ids start again in every database: only the namespace tells this
  // project's objects from those of earlier runs on the same rig.
  const namespace = renderNamespace(DEFAULT_NAMESPACE_TEMPLATE, {
    projectId: project.id,
    projectPath: path,
    environmentSlug: 'production',
  });
  return { ...project, namespace };
}

/** Deletes the environment's namespace at the end (without waiting). */
function deleteNamespaceLater(rig: KubeRigClient, namespace: string): void {
  cleanup.defer(`namespace ${namespace}`, () => deleteNamespaces(rig, [namespace], false));
}

interface RolloutSample {
  /** Push → the watch event showing the rollout complete. */
  pushToAvailableMs: number;
  /** The watch event → the server's bus announcing `success` (in-process: the row is written). */
  availableToBusMs: number;
  /** The watch event → the first `GET …/deployments/:id` answering `success` (polled every 10 ms). */
  availableToApiMs: number;
}

interface RolloutResult {
  replicas: number;
  readyAfterMs: number;
  samples: RolloutSample[];
}

async function rolloutBench(
  rig: KubeRigClient,
  server: DeployServer,
  options: BenchOptions,
): Promise<RolloutResult> {
  const { t, bus } = server;
  const replicas = 2;
  const project = await benchProject(rig, server, 'rollout');
  // Every Deployment event of the project, with when it arrived; searched once the deployment's id is known.
  const seen: { at: number; object: KubeObject }[] = [];
  const watching = new AbortController();
  cleanup.defer('Deployment watch', async () => watching.abort());
  const selector = new URLSearchParams({ labelSelector: `${PROJECT_LABEL}=${project.id}` });
  void followCollection<KubeObject>(
    rig.kubeConfig,
    `/apis/apps/v1/namespaces/${project.namespace}/deployments?${selector}`,
    (_type, object) => {
      seen.push({ at: performance.now(), object });
    },
    { signal: watching.signal, onError: (error) => progress(`Deployment watch: ${String(error)}`) },
  );
  const pipeline = deployPipeline(`
manifests: k8s/
images:
  web: registry.local/bench/web:$CI_COMMIT_SHORT_SHA
timeout: 120s`);
  const samples: RolloutSample[] = [];
  let namespace: string | undefined;
  for (let round = 1; round <= options.rolloutRounds; round++) {
    const pushed = performance.now();
    const sha = await pushFiles(project.clone, {
      'k8s/app.yaml': rolloutManifest(round, replicas, options.readyAfterMs),
      '.gantry.yml': pipeline,
    });
    const id = await deploymentOfPush(t, project.id, sha);
    // The event in which the Deployment Gantry applied for this deployment first reads complete.
    const deadline = performance.now() + ROUND_TIMEOUT_MS;
    let available: { at: number; object: KubeObject } | undefined;
    while (!available) {
      available = seen.find(
        ({ object }) =>
          object.metadata.namespace === project.namespace &&
          object.metadata.annotations?.[DEPLOYMENT_ANNOTATION] === String(id) &&
          rolloutComplete(object),
      );
      if (available) break;
      const finished = bus.get(id);
      if (finished?.has('failed') || finished?.has('canceled') || performance.now() > deadline) {
        throw new Error(
          `deployment ${id}: the Deployment did not complete its rollout:\n${await deploymentLog(t, project.id, id)}`,
        );
      }
      await sleep(2);
    }
    namespace ??= available.object.metadata.namespace;
    let apiAt: number | undefined;
    while (apiAt === undefined) {
      const response = await t.api<{ status: string }>('GET', `projects/${project.id}/deployments/${id}`);
      const answered = performance.now();
      if (response.body.status === 'success') apiAt = answered;
      else if (['failed', 'canceled', 'skipped'].includes(response.body.status)) {
        throw new Error(`deployment ${id} ended ${response.body.status} after its rollout completed`);
      } else if (answered > deadline) throw new Error(`deployment ${id} was not recorded within the timeout`);
      else await sleep(POLL_MS);
    }
    const onBus = await finishedOnBus(bus, id);
    const sample = {
      pushToAvailableMs: available.at - pushed,
      availableToBusMs: onBus.at - available.at,
      availableToApiMs: apiAt - available.at,
    };
    samples.push(sample);
    progress(
      `rollout round ${round}: complete ${fixed(sample.pushToAvailableMs, 0)} ms after the push; success on the bus +${fixed(sample.availableToBusMs, 1)} ms, in the API +${fixed(sample.availableToApiMs, 1)} ms`,
    );
  }
  if (namespace) deleteNamespaceLater(rig, namespace);
  return { replicas, readyAfterMs: options.readyAfterMs, samples };
}

interface CrashSample {
  pushToJobStartMs: number;
  jobStartToFailedMs: number;
  pushToFailedMs: number;
  reason: string;
}

async function crashBench(
  rig: KubeRigClient,
  server: DeployServer,
  options: BenchOptions,
): Promise<CrashSample[]> {
  const { t, bus } = server;
  const project = await benchProject(rig, server, 'crash');
  const pipeline = (image: string) =>
    deployPipeline(`
manifests: k8s/
images:
  web: registry.local/bench/${image}:$CI_COMMIT_SHORT_SHA
timeout: 600s`);
  // A healthy release first: the crash-looping ones are upgrades of a running application.
  progress('crash: deploying a healthy release first');
  const healthySha = await pushFiles(project.clone, {
    'k8s/app.yaml': rolloutManifest(0, 1, 0),
    '.gantry.yml': pipeline('web'),
  });
  const healthyId = await deploymentOfPush(t, project.id, healthySha);
  const healthy = await finishedOnBus(bus, healthyId);
  if (healthy.status !== 'success') {
    throw new Error(
      `the healthy release ended ${healthy.status}:\n${await deploymentLog(t, project.id, healthyId)}`,
    );
  }
  const samples: CrashSample[] = [];
  for (let round = 1; round <= options.crashRounds; round++) {
    const pushed = performance.now();
    const sha = await pushFiles(project.clone, {
      'k8s/app.yaml': rolloutManifest(round, 1, 0),
      '.gantry.yml': pipeline('web-crashloop'),
    });
    const id = await deploymentOfPush(t, project.id, sha);
    const ended = await finishedOnBus(bus, id);
    const record = await deployment(t, project.id, id);
    const log = await deploymentLog(t, project.id, id);
    if (ended.status !== 'failed')
      throw new Error(`crash-looping release ${id} ended ${ended.status}:\n${log}`);
    const deployJob = await job(t, project.id, record.deployable!.id);
    const jobStarted = Date.parse(deployJob.started_at ?? '') - performance.timeOrigin;
    const reason = /container \S+: [A-Za-z]+/.exec(log)?.[0] ?? '(no reason in the log)';
    const sample = {
      pushToJobStartMs: jobStarted - pushed,
      jobStartToFailedMs: ended.at - jobStarted,
      pushToFailedMs: ended.at - pushed,
      reason,
    };
    samples.push(sample);
    progress(`crash round ${round}: failed ${fixed(sample.pushToFailedMs, 0)} ms after the push (${reason})`);
  }
  const namespace = ((await deployment(t, project.id, healthyId)) as KubeDeploymentView).snapshot?.namespace;
  if (namespace) deleteNamespaceLater(rig, namespace);
  return samples;
}

// ---------------------------------------------------------------------------------------------
// The run

interface DialectResult {
  dialect: Dialect;
  rig: string;
  apply: ApplyResult;
  rollout: RolloutResult;
  crash: CrashSample[];
}

async function benchmark(dialect: Dialect, options: BenchOptions): Promise<DialectResult> {
  progress('connecting to the Kubernetes rig (GANTRY_TEST_KUBE_RIG, or one started for this process)');
  const rig = await useKubeRig();
  const rigFacts = `${rig.info.server}, Kubernetes ${rig.info.versions?.kubernetes ?? '?'}, etcd ${rig.info.versions?.etcd ?? '?'}, ${rig.info.nodes.length} fake nodes`;
  progress(`apply: ${options.manifests} manifests, 1 warm-up + ${options.applyRounds} rounds`);
  const apply = await applyBench(rig, options);
  const server = await startDeployServer(dialect);
  progress(`rollout: ${options.rolloutRounds} deployments, pods ready after ${options.readyAfterMs} ms`);
  const rollout = await rolloutBench(rig, server, options);
  progress(`crash: ${options.crashRounds} crash-looping releases`);
  const crash = await crashBench(rig, server, options);
  return { dialect, rig: rigFacts, apply, rollout, crash };
}

// ---------------------------------------------------------------------------------------------
// Reporting

const pass = (ok: boolean) => (ok ? 'pass' : 'FAIL');

function applyRows(apply: ApplyResult): { rows: string[][]; ratios: Record<Contender, number> } {
  const kubectlMedian = median(apply.samples.kubectl.map((s) => s.ms));
  const ratios = {} as Record<Contender, number>;
  const rows = CONTENDERS.map((contender) => {
    const samples = apply.samples[contender];
    const ms = samples.map((s) => s.ms);
    const ratio = median(ms) / kubectlMedian;
    ratios[contender] = ratio;
    return [
      CONTENDER_LABELS[contender],
      String(samples.length),
      fixed(median(ms), 0),
      fixed(Math.min(...ms), 0),
      fixed(maximum(ms), 0),
      fixed((apply.manifests / median(ms)) * 1000, 0),
      fixed(median(samples.map((s) => s.serverCpuMs)), 0),
      fixed(median(samples.map((s) => s.clientCpuMs)), 0),
      samples.at(-1)?.requests ?? '-',
      contender === 'kubectl' ? '1.00' : fixed(ratio),
      // Each round's own ratio, which a change of load between rounds affects less.
      contender === 'kubectl'
        ? '-'
        : fixed(median(samples.map((sample, round) => sample.ms / apply.samples.kubectl[round]!.ms))),
      contender === 'kubectl' ? '-' : pass(ratio <= APPLY_RATIO_GOAL),
    ];
  });
  return { rows, ratios };
}

function printResult(result: DialectResult, options: BenchOptions): void {
  const { dialect, apply, rollout, crash } = result;
  print(`=== dialect: ${dialect} (rig ${result.rig}) ===`);
  const { rows, ratios } = applyRows(apply);
  print(
    `${table(
      `[${dialect}] Apply ${apply.manifests} manifests (${apply.kinds}) into a fresh namespace, server-side apply; ${apply.rounds} rounds after 1 warm-up (no database involved)`,
      [
        { header: 'contender' },
        { header: 'n', align: 'right' },
        { header: 'median ms', align: 'right' },
        { header: 'min ms', align: 'right' },
        { header: 'max ms', align: 'right' },
        { header: 'objects/s', align: 'right' },
        { header: 'apiserver+etcd CPU ms', align: 'right' },
        { header: 'client CPU ms', align: 'right' },
        { header: 'API requests' },
        { header: 'ratio', align: 'right' },
        { header: 'per-round ratio, median', align: 'right' },
        { header: `ratio ≤ ${APPLY_RATIO_GOAL}` },
      ],
      rows,
    )}\nkubectl ${apply.kubectlVersion}: one PATCH per object, one at a time, discovery from its disk cache (filled in the warm-up). Gantry: a new connection per round (cold discovery, one new HTTP/2 connection), up to ${options.concurrency} requests in flight within a step; a deployment dry-runs the whole set before applying it (nothing is applied when the API server rejects one object), hence 2× kubectl's PATCH requests\ngoal (issue 5): Gantry / kubectl ≤ ${APPLY_RATIO_GOAL}: ${fixed(ratios.gantry)} ${pass(ratios.gantry <= APPLY_RATIO_GOAL)}`,
  );

  const busMs = rollout.samples.map((s) => s.availableToBusMs);
  const apiMs = rollout.samples.map((s) => s.availableToApiMs);
  const pushMs = rollout.samples.map((s) => s.pushToAvailableMs);
  print(
    `${table(
      `[${dialect}] Rollout complete → deployment success recorded (Deployment of ${rollout.replicas} replicas, pods ready ${rollout.readyAfterMs} ms after start; ${rollout.samples.length} deployment${rollout.samples.length === 1 ? '' : 's'}, each a new image)`,
      [
        { header: 'measure' },
        { header: 'n', align: 'right' },
        { header: 'p50 ms', align: 'right' },
        { header: 'max ms', align: 'right' },
        { header: `p50 ≤ ${ROLLOUT_GOAL_MS} ms` },
      ],
      [
        [
          'watch event: rollout complete → success on the bus',
          String(busMs.length),
          fixed(median(busMs), 1),
          fixed(maximum(busMs), 1),
          pass(median(busMs) <= ROLLOUT_GOAL_MS),
        ],
        [
          `watch event: rollout complete → success in the API (poll ${POLL_MS} ms)`,
          String(apiMs.length),
          fixed(median(apiMs), 1),
          fixed(maximum(apiMs), 1),
          pass(median(apiMs) <= ROLLOUT_GOAL_MS),
        ],
        [
          'push → rollout complete (context)',
          String(pushMs.length),
          fixed(median(pushMs), 0),
          fixed(maximum(pushMs), 0),
          '-',
        ],
      ],
    )}\nthe rollout-complete moment: the first event of a watch on the project's Deployments (in this process) whose object carries this deployment's annotation and meets kubectl's rollout-status rules; the bus event is published once the deployment row says success; the API is polled every ${POLL_MS} ms from the watch event on\ngoal (issue 5): ≤ ${ROLLOUT_GOAL_MS} ms; worst here ${fixed(Math.max(maximum(busMs), maximum(apiMs)), 1)} ms: ${pass(Math.max(maximum(busMs), maximum(apiMs)) <= ROLLOUT_GOAL_MS)}`,
  );

  const failed = crash.map((s) => s.pushToFailedMs);
  print(
    `${table(
      `[${dialect}] Crash-looping release → deployment failed (image with "crashloop", deploy timeout 600 s; ${crash.length} release${crash.length === 1 ? '' : 's'}, each an upgrade of a healthy one)`,
      [
        { header: 'measure' },
        { header: 'n', align: 'right' },
        { header: 'p50 ms', align: 'right' },
        { header: 'max ms', align: 'right' },
        { header: `≤ ${CRASH_GOAL_MS / 1000} s` },
      ],
      [
        [
          'push → deployment failed (bus)',
          String(failed.length),
          fixed(median(failed), 0),
          fixed(maximum(failed), 0),
          pass(maximum(failed) <= CRASH_GOAL_MS),
        ],
        [
          '  of which push → deploy job started',
          String(crash.length),
          fixed(median(crash.map((s) => s.pushToJobStartMs)), 0),
          fixed(maximum(crash.map((s) => s.pushToJobStartMs)), 0),
          '-',
        ],
        [
          '  of which job started → deployment failed',
          String(crash.length),
          fixed(median(crash.map((s) => s.jobStartToFailedMs)), 0),
          fixed(maximum(crash.map((s) => s.jobStartToFailedMs)), 0),
          '-',
        ],
      ],
    )}\nreason in the job log: ${[...new Set(crash.map((s) => s.reason))].join('; ')}\nthe rig's fake kubelet restarts a crash-looping container every 2 s; job start is the job's started_at (ms)\ngoal (issue 5): ≤ ${CRASH_GOAL_MS / 1000} s (tools waiting out the progress deadline take 600 s); worst here ${fixed(maximum(failed) / 1000, 1)} s: ${pass(maximum(failed) <= CRASH_GOAL_MS)}`,
  );
}

function comparisonRows(results: readonly DialectResult[]): string[][] {
  return [
    [
      'apply: kubectl median ms',
      ...results.map((r) => fixed(median(r.apply.samples.kubectl.map((s) => s.ms)), 0)),
    ],
    [
      'apply: Gantry (as a deployment) median ms (ratio)',
      ...results.map(
        (r) =>
          `${fixed(median(r.apply.samples.gantry.map((s) => s.ms)), 0)} (${fixed(applyRows(r.apply).ratios.gantry)})`,
      ),
    ],
    [
      'rollout complete → success (bus), p50 / max ms',
      ...results.map(
        (r) =>
          `${fixed(median(r.rollout.samples.map((s) => s.availableToBusMs)), 1)} / ${fixed(maximum(r.rollout.samples.map((s) => s.availableToBusMs)), 1)}`,
      ),
    ],
    [
      'rollout complete → success (API), p50 / max ms',
      ...results.map(
        (r) =>
          `${fixed(median(r.rollout.samples.map((s) => s.availableToApiMs)), 1)} / ${fixed(maximum(r.rollout.samples.map((s) => s.availableToApiMs)), 1)}`,
      ),
    ],
    [
      'crash-loop: push → failed, p50 / max s',
      ...results.map(
        (r) =>
          `${fixed(median(r.crash.map((s) => s.pushToFailedMs)) / 1000, 1)} / ${fixed(maximum(r.crash.map((s) => s.pushToFailedMs)) / 1000, 1)}`,
      ),
    ],
  ];
}

cleanup.exitAfter(
  runBench(
    cleanup,
    {
      usage: USAGE,
      parseOptions,
      nodeRuns: 'Gantry server, applier and client in one process; kubectl as a child process',
      parameters: (options) =>
        `manifests=${options.manifests} apply-rounds=${options.applyRounds} rollout-rounds=${options.rolloutRounds} ready-after-ms=${options.readyAfterMs} crash-rounds=${options.crashRounds}`,
      run: benchmark,
      printResult,
      comparisonRows,
    },
    process.argv.slice(2),
  ),
);
