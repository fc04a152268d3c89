import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { before, describe, test } from 'node:test';
import { KubeConfig, type V1PolicyRule } from '@kubernetes/client-node';
import { GantryError } from '../../src/domain/errors.ts';
import type {
  EnvironmentOperations,
  ExecSession,
  LogChunk,
  LogRequest,
} from '../../src/targets/environment-operations.ts';
import { openKubernetesOperations } from '../../src/targets/kubernetes/environment-operations.ts';
import { ENVIRONMENT_LABEL, PROJECT_LABEL } from '../../src/targets/kubernetes/gantry-metadata.ts';
import { kubeRequest } from '../../src/targets/kubernetes/kube-connection.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeConfigFrom,
  kubeRigSuiteOptions,
  serviceAccountToken,
  useKubeRig,
  waitForObject,
} from '../support/kube-rig.ts';
import { eventually } from '../support/pipeline-helpers.ts';

// The Kubernetes environment operations against the rig, whose kubelet-like server serves pod logs,
// exec (a local process with a real terminal) and metrics.k8s.io for its fake pods: containers, logs
// (tail, follow, merged, previous), a shell with resize and exit code, resource samples, and the
// errors a person would need (unknown container, missing permission, unreachable cluster).

const run = randomBytes(2).toString('hex');
const TIMESTAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /;

interface Workload {
  name: string;
  environment: string;
  replicas: number;
  image: string;
  annotations?: Record<string, string>;
  sidecar?: boolean;
}

/** A Deployment whose pods carry the labels Gantry puts on an environment's pod templates. */
async function deploy(rig: KubeRigClient, namespace: string, workload: Workload): Promise<void> {
  const labels = { app: workload.name, [PROJECT_LABEL]: '7', [ENVIRONMENT_LABEL]: workload.environment };
  await rig.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: workload.name, labels },
      spec: {
        replicas: workload.replicas,
        selector: { matchLabels: { app: workload.name } },
        template: {
          metadata: { labels, annotations: workload.annotations ?? {} },
          spec: {
            ...(workload.sidecar
              ? {
                  initContainers: [
                    { name: 'proxy', image: 'registry.local/shop/proxy:1', restartPolicy: 'Always' },
                  ],
                }
              : {}),
            containers: [{ name: 'web', image: workload.image }],
          },
        },
      },
    },
  });
}

async function waitForReady(rig: KubeRigClient, namespace: string, name: string, replicas: number) {
  await waitForObject(
    rig,
    { path: `/apis/apps/v1/namespaces/${namespace}/deployments`, name },
    (object) => (object.status as { readyReplicas?: number } | undefined)?.readyReplicas === replicas,
  );
}

/** A log stream read step by step: `until` reads on (keeping the stream open) until `done` holds. */
function logStream(chunks: AsyncIterable<LogChunk>) {
  const iterator = chunks[Symbol.asyncIterator]();
  const text = new Map<string, string>();
  return {
    text,
    async until(done: (text: Map<string, string>) => boolean): Promise<Map<string, string>> {
      while (!done(text)) {
        const next = await iterator.next();
        if (next.done) assert.fail(`the log ended before the condition held: ${JSON.stringify([...text])}`);
        text.set(next.value.source, (text.get(next.value.source) ?? '') + next.value.text);
      }
      return text;
    },
    async stop(): Promise<void> {
      await iterator.return?.();
    },
  };
}

async function readAll(chunks: AsyncIterable<LogChunk>): Promise<Map<string, string>> {
  const text = new Map<string, string>();
  for await (const chunk of chunks) text.set(chunk.source, (text.get(chunk.source) ?? '') + chunk.text);
  return text;
}

const linesOf = (text: string | undefined) => (text ?? '').split('\n').filter((line) => line !== '');

/** Collects a session's output as text, and waits for it to contain something. */
function terminal(session: ExecSession) {
  let output = '';
  const waiters: Array<() => void> = [];
  session.onOutput((data) => {
    output += Buffer.from(data).toString('utf8');
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    get output() {
      return output;
    },
    async waitFor(pattern: RegExp, from = 0): Promise<RegExpMatchArray> {
      for (;;) {
        const match = output.slice(from).match(pattern);
        if (match) return match;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

describe('Kubernetes environment operations against the rig', {
  ...kubeRigSuiteOptions(),
  concurrency: true,
}, () => {
  let rig: KubeRigClient;
  let namespace: string;
  let web: EnvironmentOperations;
  let crashing: EnvironmentOperations;
  const operationsFor = (environment: string, kubeConfig = rig.kubeConfig) =>
    openKubernetesOperations({
      kubeConfig,
      namespace,
      selector: { [PROJECT_LABEL]: '7', [ENVIRONMENT_LABEL]: environment },
    });
  const logs = (operations: EnvironmentOperations, request: Partial<LogRequest> = {}) =>
    operations.logs({ follow: false, signal: AbortSignal.timeout(60_000), ...request });

  before(async () => {
    rig = await useKubeRig();
    namespace = await freshNamespace(rig, `operations-${run}`);
    await Promise.all([
      deploy(rig, namespace, {
        name: 'web',
        environment: 'review',
        replicas: 2,
        image: 'registry.local/shop/web:1',
        sidecar: true,
        annotations: {
          'rig.gantry.dev/log-every-ms': '200',
          'rig.gantry.dev/cpu-millicores': '250',
          'rig.gantry.dev/memory-mib': '64',
        },
      }),
      deploy(rig, namespace, {
        name: 'grower',
        environment: 'growing',
        replicas: 1,
        image: 'registry.local/shop/web:1',
        annotations: { 'rig.gantry.dev/log-every-ms': '200' },
      }),
      deploy(rig, namespace, {
        name: 'worker',
        environment: 'crashing',
        replicas: 1,
        image: 'registry.local/shop/worker:crashloop',
      }),
    ]);
    await waitForReady(rig, namespace, 'web', 2);
    web = operationsFor('review');
    crashing = operationsFor('crashing');
  });

  test('containers: every container of the environment, sidecars too, with state and restarts', async () => {
    const containers = await web.containers();
    assert.equal(containers.length, 4, JSON.stringify(containers));
    assert.deepEqual([...new Set(containers.map(({ container }) => container))].sort(), ['proxy', 'web']);
    for (const container of containers) {
      assert.equal(container.state, 'running');
      assert.equal(container.restarts, 0);
      assert.equal(container.hasPrevious, false);
    }
    const [worker] = await eventually(
      async () => {
        const found = await crashing.containers();
        return found[0]?.hasPrevious ? found : undefined;
      },
      () => 'the crash-looping container never restarted',
    );
    assert.equal(worker?.container, 'web');
    assert.match(worker?.state ?? '', /^waiting \(CrashLoopBackOff\)$|^running$/);
    assert.ok((worker?.restarts ?? 0) >= 1);
  });

  test('logs of one container with a tail: the last lines, each starting with its timestamp', async () => {
    const [first] = await web.containers();
    const pod = first?.pod ?? assert.fail('no pod');
    const readTail = async () =>
      linesOf((await readAll(logs(web, { pod, container: 'web', tailLines: 2 }))).get(`${pod}/web`));
    // A pod that has just started may have printed one line only.
    const tail = await eventually(
      async () => {
        const lines = await readTail();
        return lines.length >= 2 ? lines : undefined;
      },
      async () => `the tail never had 2 lines: ${(await readTail()).join('\n')}`,
    );
    assert.equal(tail.length, 2, tail.join('\n'));
    // The log only grows (ticks, and lines other tests print): the tail is in it, one line after the other.
    const all = linesOf((await readAll(logs(web, { pod, container: 'web' }))).get(`${pod}/web`));
    assert.match(all[0] ?? '', /rig: started container web \(image registry\.local\/shop\/web:1\)$/);
    assert.equal(all[all.indexOf(tail[0] ?? '') + 1], tail[1]);
    for (const line of [...all, ...tail]) assert.match(line, TIMESTAMPED);
  });

  test('logs of the whole environment merged, tagged with pod and container', async () => {
    const pods = [...new Set((await web.containers()).map(({ pod }) => pod))];
    const expected = pods.flatMap((pod) => [`${pod}/proxy`, `${pod}/web`]).sort();
    // A log is empty until the rig's kubelet has seen its container start.
    const merged = await eventually(
      async () => {
        const read = await readAll(logs(web));
        return read.size === expected.length ? read : undefined;
      },
      () => 'some container never printed its first line',
    );
    assert.deepEqual([...merged.keys()].sort(), expected);
    for (const [source, text] of merged) {
      const container = source.split('/')[1];
      assert.match(linesOf(text)[0] ?? '', new RegExp(`rig: started container ${container} `));
      assert.ok(text.endsWith('\n'));
    }
  });

  test('following delivers new lines, and a pod that appears later joins the stream', async () => {
    await waitForReady(rig, namespace, 'grower', 1);
    const growing = operationsFor('growing');
    const before = new Set((await growing.containers()).map(({ pod }) => pod));
    const isNew = (source: string) => !before.has(source.split('/')[0] ?? '');
    const following = logStream(logs(growing, { follow: true, tailLines: 0 }));
    await following.until((text) => [...text.values()].some((lines) => /rig: tick \d+\n/.test(lines)));
    await kubeRequest(rig.kubeConfig, {
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${namespace}/deployments/grower`,
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 2 } },
    });
    const seen = await following.until((text) => [...text.keys()].some(isNew));
    await following.stop();
    const joined = [...seen.entries()].find(([source]) => isNew(source));
    // A pod that joins is read from its start.
    assert.match(joined?.[1] ?? '', /rig: started container web /);
  });

  test('the previous log of a crash-looping container ends with its crash', async () => {
    const [worker] = await eventually(
      async () => {
        const found = await crashing.containers();
        return found[0]?.hasPrevious ? found : undefined;
      },
      () => 'the crash-looping container never restarted',
    );
    const pod = worker?.pod ?? assert.fail('no pod');
    const previous = linesOf(
      (await readAll(logs(crashing, { pod, container: 'web', previous: true }))).get(`${pod}/web`),
    );
    assert.match(previous[0] ?? '', /rig: started container web /);
    assert.match(previous.at(-1) ?? '', /rig: web crashed: exit code \d+$/);
    // Merged, only the containers that restarted have a previous log.
    const merged = await readAll(logs(crashing, { previous: true }));
    assert.deepEqual([...merged.keys()], [`${pod}/web`]);
  });

  test('a shell: output, a line the app prints reaching the followed log, resize, exit code', async () => {
    const [first] = await web.containers();
    const pod = first?.pod ?? assert.fail('no pod');
    const following = logStream(logs(web, { pod, container: 'web', follow: true, tailLines: 0 }));
    // With tailLines 0 the follow starts where the log ends once the kubelet serves it, which may be
    // after the shell has printed: a tick (every 200 ms) shows it is in place.
    await following.until((text) => /rig: tick \d+\n/.test(text.get(`${pod}/web`) ?? ''));
    const marker = `printed-by-the-app-${run}`;

    const session = await web.exec({
      command: ['sh'],
      size: { cols: 80, rows: 24 },
      signal: AbortSignal.timeout(60_000),
    });
    // The default: the first app container of the first running pod.
    assert.deepEqual({ pod: session.pod, container: session.container }, { pod, container: 'web' });
    const screen = terminal(session);
    session.write(new TextEncoder().encode('stty size\n'));
    await screen.waitFor(/24 80/);
    session.write(new TextEncoder().encode(`echo ${marker} >> "$RIG_CONTAINER_LOG"\n`));
    const seen = await following.until((text) => (text.get(`${pod}/web`) ?? '').includes(marker));
    await following.stop();
    assert.match(seen.get(`${pod}/web`) ?? '', new RegExp(`Z ${marker}\\n`));
    const mark = screen.output.length;
    session.resize({ cols: 120, rows: 40 });
    session.write(new TextEncoder().encode('stty size\n'));
    await screen.waitFor(/40 120/, mark);
    session.write(new TextEncoder().encode('exit 3\n'));
    assert.deepEqual(await session.exited, { exitCode: 3 });
  });

  test('a command that succeeds exits 0; close() ends a running one', async () => {
    const done = await web.exec({
      container: 'proxy',
      command: ['sh', '-c', 'echo hello from $HOSTNAME'],
      size: { cols: 80, rows: 24 },
      signal: AbortSignal.timeout(60_000),
    });
    const screen = terminal(done);
    assert.deepEqual(await done.exited, { exitCode: 0 });
    assert.match(screen.output, new RegExp(`hello from ${done.pod}`));

    const sleeping = await web.exec({
      command: ['sleep', '600'],
      size: { cols: 80, rows: 24 },
      signal: AbortSignal.timeout(60_000),
    });
    sleeping.close();
    assert.deepEqual(await sleeping.exited, { exitCode: null });
  });

  test('resource samples: the CPU and memory the metrics API reports, with restarts', async () => {
    const samples = await web.sample();
    assert.equal(samples.length, 4, JSON.stringify(samples));
    for (const sample of samples) {
      assert.equal(sample.cpuCores, 0.25);
      assert.equal(sample.memoryBytes, 64 * 1024 * 1024);
      assert.equal(sample.restarts, 0);
    }
    // A crash-looping container has no metrics; its restarts still show.
    const [worker] = await eventually(
      async () => {
        const found = await crashing.sample();
        return (found[0]?.restarts ?? 0) >= 1 ? found : undefined;
      },
      () => 'the crash-looping container never showed a restart',
    );
    assert.equal(worker?.container, 'web');
    assert.equal(worker?.cpuCores, 0);
    assert.equal(worker?.memoryBytes, 0);
  });

  test('an unknown pod or container is not_found', async () => {
    const [first] = await web.containers();
    const pod = first?.pod ?? assert.fail('no pod');
    const notFound = (error: unknown) => error instanceof GantryError && error.code === 'not_found';
    await assert.rejects(readAll(logs(web, { pod, container: 'nope' })), notFound);
    await assert.rejects(readAll(logs(web, { pod: 'web-nope' })), notFound);
    await assert.rejects(
      web.exec({
        container: 'nope',
        command: ['sh'],
        size: { cols: 80, rows: 24 },
        signal: AbortSignal.timeout(60_000),
      }),
      notFound,
    );
  });

  /** Operations with the credentials of a new ServiceAccount holding a Role of `rules`, once RBAC lets it list pods. */
  async function operationsWithRole(name: string, rules: V1PolicyRule[]): Promise<EnvironmentOperations> {
    const account = await serviceAccountToken(rig, { namespace, name });
    await rig.rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
    await rig.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
    const operations = operationsFor('review', kubeConfigFrom(account.kubeconfig));
    // The authorizer sees a new binding a moment later.
    await eventually(
      async () => (await operations.containers().catch(() => undefined)) ?? undefined,
      () => `ServiceAccount ${name} never got to list pods`,
    );
    return operations;
  }

  test('credentials without pods/exec get an error naming the permission', async () => {
    const limited = await operationsWithRole(`logs-only-${run}`, [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    const pod = (await limited.containers())[0]?.pod ?? assert.fail('no pod');
    const logged = await readAll(logs(limited, { pod, container: 'web', tailLines: 1 }));
    assert.equal(linesOf(logged.get(`${pod}/web`)).length, 1);
    await assert.rejects(
      limited.exec({ command: ['sh'], size: { cols: 80, rows: 24 }, signal: AbortSignal.timeout(60_000) }),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'unavailable' &&
        new RegExp(
          `^cannot start a shell in ${pod}/web: the Kubernetes target's credentials may not get pods/exec in namespace ${namespace} \\(403 Forbidden\\); grant them "get" and "create" on "pods/exec"`,
        ).test(error.message),
    );
    await assert.rejects(
      limited.sample(),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'unavailable' &&
        /may not list pods\.metrics\.k8s\.io in namespace/.test(error.message),
    );
  });

  test('the permissions docs/kubernetes.md lists are enough; a shell needs get and create on pods/exec', async () => {
    const granted = await operationsWithRole(`operations-${run}`, [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
      { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get', 'list'] },
    ]);
    const session = await granted.exec({
      command: ['sh', '-c', 'exit 0'],
      size: { cols: 80, rows: 24 },
      signal: AbortSignal.timeout(60_000),
    });
    assert.deepEqual(await session.exited, { exitCode: 0 });
    assert.equal((await granted.sample()).length, 4);

    // The WebSocket is a GET: `create` alone is not enough (nor `get` alone: the upgrade checks create).
    const createOnly = await operationsWithRole(`create-only-${run}`, [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
    ]);
    await assert.rejects(
      createOnly.exec({ command: ['sh'], size: { cols: 80, rows: 24 }, signal: AbortSignal.timeout(60_000) }),
      (error: unknown) =>
        error instanceof GantryError &&
        /credentials may not get pods\/exec in namespace .*; grant them "get" and "create" on "pods\/exec"/.test(
          error.message,
        ),
    );
  });

  test('a cluster that cannot be reached is unavailable, naming its API server', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const address = probe.address();
    const server = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    probe.close();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'gone', server, caData: Buffer.from(rig.info.caPem).toString('base64') }],
      users: [{ name: 'gantry', token: 'unused' }],
      contexts: [{ name: 'gone', cluster: 'gone', user: 'gantry' }],
      currentContext: 'gone',
    });
    const unreachable = (error: unknown) =>
      error instanceof GantryError &&
      error.code === 'unavailable' &&
      error.message.startsWith(`cannot reach the Kubernetes API at ${server}: connection refused`);
    const gone = operationsFor('review', kubeConfig);
    await assert.rejects(gone.containers(), unreachable);
    await assert.rejects(readAll(logs(gone)), unreachable);
  });
});
