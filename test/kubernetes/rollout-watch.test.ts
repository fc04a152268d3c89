import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { V1Deployment, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ObjectRef } from '../../src/targets/kubernetes/kube-object.ts';
import {
  RolloutFailedError,
  RolloutTimeoutError,
  type RolloutWatchOptions,
  waitForRollout,
} from '../../src/targets/kubernetes/rollout-watch.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeConfigFrom,
  kubeRigSuiteOptions,
  READY_AFTER_ANNOTATION,
  serviceAccountToken,
  useKubeRig,
} from '../support/kube-rig.ts';

const GOOD_IMAGE = 'registry.rig.test/shop/web:1.0';
// Set by the suite's `before` hook, which every test runs after.
let rig!: KubeRigClient;

const apiVersions: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  ConfigMap: 'v1',
};
const ref = (kind: string, name: string): ObjectRef => ({
  apiVersion: apiVersions[kind] ?? 'v1',
  kind,
  name,
});

function template(
  app: string,
  image: string,
  options: { readyAfterMs?: number; pod?: Partial<V1PodSpec> } = {},
): V1PodTemplateSpec {
  return {
    metadata: {
      labels: { app },
      ...(options.readyAfterMs === undefined
        ? {}
        : { annotations: { [READY_AFTER_ANNOTATION]: String(options.readyAfterMs) } }),
    },
    spec: { containers: [{ name: app, image }], ...options.pod },
  };
}

function deployment(
  name: string,
  image: string,
  options: { replicas?: number; readyAfterMs?: number; pod?: Partial<V1PodSpec> } = {},
): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: options.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      template: template(name, image, options),
    },
  };
}

async function setImage(namespace: string, name: string, image: string): Promise<void> {
  await rig.apps.patchNamespacedDeployment({
    name,
    namespace,
    body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }],
  });
}

/** Waits with the test's defaults; progress lines are collected into `lines`. */
function wait(namespace: string, objects: ObjectRef[], options: Partial<RolloutWatchOptions> = {}) {
  const lines: string[] = [];
  const done = waitForRollout({
    kubeConfig: rig.kubeConfig,
    namespace,
    objects,
    timeoutMs: 60_000,
    onProgress: (line) => lines.push(line),
    ...options,
  });
  return { lines, done };
}

async function rolloutFailure(done: Promise<void>): Promise<RolloutFailedError> {
  const error = await done.then(
    () => assert.fail('expected the rollout to fail'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RolloutFailedError, `expected a RolloutFailedError, got ${String(error)}`);
  return error;
}

describe('waitForRollout against the Kubernetes rig', { ...kubeRigSuiteOptions(), concurrency: true }, () => {
  before(async () => {
    rig = await useKubeRig();
  });

  test('a Deployment rolls out and its Service is healthy at once', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    });
    await rig.apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', GOOD_IMAGE, { readyAfterMs: 500 }),
    });

    const { lines, done } = wait(namespace, [
      ref('Service', 'web'),
      ref('Deployment', 'web'),
      ref('ConfigMap', 'settings'),
    ]);
    await done;

    const live = await rig.apps.readNamespacedDeployment({ name: 'web', namespace });
    assert.equal(live.status?.availableReplicas, 3);
    assert.ok(lines.includes('Service web: ClusterIP'), lines.join('\n'));
    assert.equal(
      lines.filter((line) => line.startsWith('Deployment web:')).at(-1),
      'Deployment web: 3 of 3 replicas updated and available',
    );
    assert.equal(new Set(lines).size, lines.length, `a line repeats: ${lines.join('\n')}`);
  });

  test('an upgrade to a crash-looping image fails naming pod, container and reason; the old pods keep running', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDeployment({ namespace, body: deployment('web', GOOD_IMAGE) });
    await wait(namespace, [ref('Deployment', 'web')]).done;

    await setImage(namespace, 'web', 'registry.rig.test/shop/web:2.0-crashloop');
    const error = await rolloutFailure(wait(namespace, [ref('Deployment', 'web')]).done);

    assert.equal(error.reason, 'CrashLoopBackOff');
    assert.equal(error.container, 'web');
    assert.match(
      error.message,
      new RegExp(`^Deployment web: pod ${error.pod} container web: CrashLoopBackOff`),
    );
    const failing = await rig.core.readNamespacedPod({ name: error.pod ?? '', namespace });
    assert.equal(failing.spec?.containers[0]?.image, 'registry.rig.test/shop/web:2.0-crashloop');
    const pods = await rig.core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    const old = pods.items.filter((pod) => pod.spec?.containers[0]?.image === GOOD_IMAGE);
    assert.equal(old.length, 3);
    assert.ok(
      old.every((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    );
  });

  test('an image that cannot be pulled fails the rollout', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', 'registry.rig.test/shop/web:pull-fail', { replicas: 1 }),
    });
    const error = await rolloutFailure(wait(namespace, [ref('Deployment', 'web')]).done);
    assert.ok(['ErrImagePull', 'ImagePullBackOff'].includes(error.reason), error.message);
    assert.equal(error.container, 'web');
  });

  test('a pod no node can take fails the rollout as Unschedulable', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', GOOD_IMAGE, {
        replicas: 1,
        pod: { nodeSelector: { 'rig.gantry.dev/no-such-node': 'true' } },
      }),
    });
    const error = await rolloutFailure(wait(namespace, [ref('Deployment', 'web')]).done);
    assert.equal(error.reason, 'Unschedulable');
    assert.equal(error.container, undefined);
    assert.match(error.message, new RegExp(`^Deployment web: pod ${error.pod}: Unschedulable: `));
  });

  test('old pods crash-looping do not fail the rollout that replaces them', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', 'registry.rig.test/shop/web:0.9-crashloop', { replicas: 2 }),
    });
    await rolloutFailure(wait(namespace, [ref('Deployment', 'web')]).done);

    await setImage(namespace, 'web', GOOD_IMAGE);
    await wait(namespace, [ref('Deployment', 'web')]).done;
  });

  test('a StatefulSet with a claim template, a Job and a PersistentVolumeClaim become healthy', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
      },
    });
    await rig.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: template('db', 'registry.rig.test/postgres:17'),
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
    });
    await rig.batch.createNamespacedJob({
      namespace,
      body: {
        metadata: { name: 'migrate' },
        spec: {
          backoffLimit: 0,
          template: template('migrate', 'registry.rig.test/shop/migrate:1.0', {
            pod: { restartPolicy: 'Never' },
          }),
        },
      },
    });
    await rig.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'uploads' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });

    const { lines, done } = wait(namespace, [
      ref('Service', 'db'),
      ref('StatefulSet', 'db'),
      ref('Job', 'migrate'),
      ref('PersistentVolumeClaim', 'uploads'),
    ]);
    await done;

    const last = (prefix: string) => lines.filter((line) => line.startsWith(prefix)).at(-1);
    assert.match(last('StatefulSet db:') ?? '', /^StatefulSet db: 2 of 2 pods ready at revision db-/);
    assert.equal(last('Job migrate:'), 'Job migrate: completed (1 succeeded)');
    assert.match(
      last('PersistentVolumeClaim uploads:') ?? '',
      /^PersistentVolumeClaim uploads: bound to volume /,
    );
  });

  test('a StatefulSet and a DaemonSet upgraded to a crash-looping image fail naming a new pod', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: template('db', GOOD_IMAGE),
        },
      },
    });
    await rig.apps.createNamespacedDaemonSet({
      namespace,
      body: {
        metadata: { name: 'agent' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', GOOD_IMAGE) },
      },
    });
    await wait(namespace, [ref('StatefulSet', 'db'), ref('DaemonSet', 'agent')]).done;

    const crashing = 'registry.rig.test/shop/web:2.0-crashloop';
    const setTemplateImage = {
      op: 'replace',
      path: '/spec/template/spec/containers/0/image',
      value: crashing,
    };
    await rig.apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: [setTemplateImage] });
    const statefulSet = await rolloutFailure(wait(namespace, [ref('StatefulSet', 'db')]).done);
    await rig.apps.patchNamespacedDaemonSet({ name: 'agent', namespace, body: [setTemplateImage] });
    const daemonSet = await rolloutFailure(wait(namespace, [ref('DaemonSet', 'agent')]).done);

    for (const error of [statefulSet, daemonSet]) {
      assert.equal(error.reason, 'CrashLoopBackOff');
      const pod = await rig.core.readNamespacedPod({ name: error.pod ?? '', namespace });
      assert.equal(pod.spec?.containers[0]?.image, crashing);
    }
  });

  test('a failing Job fails the rollout', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.batch.createNamespacedJob({
      namespace,
      body: {
        metadata: { name: 'migrate' },
        spec: {
          backoffLimit: 0,
          template: template('migrate', 'registry.rig.test/shop/migrate:job-fail', {
            pod: { restartPolicy: 'Never' },
          }),
        },
      },
    });
    const error = await rolloutFailure(wait(namespace, [ref('Job', 'migrate')]).done);
    assert.equal(error.ref.kind, 'Job');
    assert.match(error.message, /^Job migrate: failed: BackoffLimitExceeded/);
  });

  test('a DaemonSet rolls out on every node', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDaemonSet({
      namespace,
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: template('agent', 'registry.rig.test/agent:1.0'),
        },
      },
    });
    await wait(namespace, [ref('DaemonSet', 'agent')]).done;
    const live = await rig.apps.readNamespacedDaemonSet({ name: 'agent', namespace });
    assert.ok((live.status?.desiredNumberScheduled ?? 0) > 0);
    assert.equal(live.status?.numberAvailable, live.status?.desiredNumberScheduled);
  });

  test('a rollout still progressing when the timeout passes fails naming what it waited for', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', GOOD_IMAGE, { readyAfterMs: 600_000 }),
    });
    const error = await wait(namespace, [ref('Deployment', 'web')], { timeoutMs: 2_000 }).done.then(
      () => assert.fail('expected a timeout'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof RolloutTimeoutError, String(error));
    assert.deepEqual(
      error.progressing.map((entry) => entry.ref.name),
      ['web'],
    );
    assert.match(error.message, /^rollout not healthy after 2 s: Deployment web: /);
  });

  test('an abort stops the wait with the signal reason', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', GOOD_IMAGE, { readyAfterMs: 600_000 }),
    });
    const controller = new AbortController();
    const { done } = wait(namespace, [ref('Deployment', 'web')], {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await assert.rejects(done, { name: 'AbortError' });
  });

  test('a client that may not read the namespace gets an error naming what it tried', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    const nobody = await serviceAccountToken(rig, { namespace, name: 'nobody' });
    await assert.rejects(
      waitForRollout({
        kubeConfig: kubeConfigFrom(nobody.kubeconfig),
        namespace,
        objects: [ref('Deployment', 'web')],
        timeoutMs: 10_000,
      }),
      {
        message: new RegExp(
          `^cannot list (deployments|replicasets|pods) in namespace ${namespace}: forbidden \\(403 Forbidden\\)`,
        ),
      },
    );
  });

  test('a rollout slower than a watch lives (30 s) is still seen through', async () => {
    const namespace = await freshNamespace(rig, 'rollout');
    await rig.apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', GOOD_IMAGE, { replicas: 1, readyAfterMs: 33_000 }),
    });
    const { lines, done } = wait(namespace, [ref('Deployment', 'web')], { timeoutMs: 90_000 });
    await done;
    assert.equal(lines.at(-1), 'Deployment web: 1 of 1 replicas updated and available');
  });
});
