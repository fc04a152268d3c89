import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/targets/kubernetes/kube-object.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeConfigFrom,
  kubeRigSuiteOptions,
  READY_AFTER_ANNOTATION,
  RIG_STORAGE_CLASS,
  serviceAccountToken,
  useKubeRig,
  waitForObject,
} from '../support/kube-rig.ts';

// What the rest of the suite relies on: workloads roll out on the fake nodes, faults chosen by image
// reference show as a kubelet shows them, the scheduler really schedules, claims bind, RBAC applies.

interface ContainerStatusView {
  name: string;
  restartCount: number;
  state: { waiting?: { reason: string; message?: string } };
  lastState: { terminated?: { exitCode: number; reason: string } };
}
interface PodView extends KubeObject {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: ContainerStatusView[];
  };
}

const condition = (pod: PodView, type: string) => pod.status?.conditions?.find((c) => c.type === type);
const firstContainer = (pod: PodView) => pod.status?.containerStatuses?.[0];

function container(name: string, image: string, resources?: { requests: Record<string, string> }) {
  return { name, image, ...(resources ? { resources } : {}) };
}

function deployment(name: string, image: string, replicas: number, annotations: Record<string, string> = {}) {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [container('web', image)] },
      },
    },
  };
}

interface DeploymentView extends KubeObject {
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
}

/** kubectl's rule for a finished rollout (without the progress deadline). */
function rolledOut(deployment: DeploymentView, replicas: number): boolean {
  const status = deployment.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1) &&
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas
  );
}

async function statusCodeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

describe('the Kubernetes rig', { ...kubeRigSuiteOptions(), concurrency: true }, () => {
  let rig: KubeRigClient;
  let ns: string;
  const pods = () => `/api/v1/namespaces/${ns}/pods`;
  before(async () => {
    rig = await useKubeRig();
    ns = await freshNamespace(rig, 'rig');
  });

  test('a Deployment of 3 replicas rolls out, and rolls out a new image replacing every pod', async () => {
    const deployments = { path: `/apis/apps/v1/namespaces/${ns}/deployments`, name: 'web' };
    await rig.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web', 'registry.rig/web:1', 3),
    });
    await waitForObject<DeploymentView>(rig, deployments, (object) => rolledOut(object, 3));
    const first = await rig.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    assert.deepEqual(
      first.items.map((pod) => [pod.status?.phase, pod.status?.containerStatuses?.[0]?.ready]),
      [
        ['Running', true],
        ['Running', true],
        ['Running', true],
      ],
    );
    assert.match(
      first.items[0]?.status?.containerStatuses?.[0]?.imageID ?? '',
      /^docker-pullable:\/\/registry\.rig\/web@sha256:/,
    );

    const patched = await rig.apps.patchNamespacedDeployment({
      name: 'web',
      namespace: ns,
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.rig/web:2' }],
    });
    // From the patch on: the watch's first view of the Deployment could still be the finished first rollout.
    const afterPatch = { ...deployments, resourceVersion: patched.metadata?.resourceVersion ?? '' };
    await waitForObject<DeploymentView>(rig, afterPatch, (object) => rolledOut(object, 3));
    // The old pods are deleted for good, not left terminating: the fake kubelet finishes their deletion.
    const old = new Set(first.items.map((pod) => pod.metadata?.name));
    await waitForObject<PodView>(
      rig,
      { path: pods(), labelSelector: 'app=web', resourceVersion: first.metadata?.resourceVersion ?? '' },
      (pod, type) => type === 'DELETED' && old.delete(pod.metadata.name) && old.size === 0,
    );
    const second = await rig.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    assert.deepEqual(
      second.items.map((pod) => pod.spec?.containers[0]?.image),
      ['registry.rig/web:2', 'registry.rig/web:2', 'registry.rig/web:2'],
    );
  });

  test('the ready-after annotation keeps a running pod unready for a while', async () => {
    await rig.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('slow', 'registry.rig/web:1', 1, { [READY_AFTER_ANNOTATION]: '3000' }),
    });
    const target = { path: pods(), labelSelector: 'app=slow' };
    const running = await waitForObject<PodView>(rig, target, (pod) => pod.status?.phase === 'Running');
    assert.equal(condition(running, 'Ready')?.status, 'False');
    await waitForObject<PodView>(rig, target, (pod) => condition(pod, 'Ready')?.status === 'True');
  });

  test('a crashloop image crash-loops with rising restarts', async () => {
    await rig.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('crash', 'registry.rig/web:crashloop', 1),
    });
    const target = { path: pods(), labelSelector: 'app=crash' };
    const crashing = await waitForObject<PodView>(
      rig,
      target,
      (pod) => firstContainer(pod)?.state.waiting?.reason === 'CrashLoopBackOff',
    );
    const first = firstContainer(crashing);
    assert.equal(crashing.status?.phase, 'Running');
    assert.equal(condition(crashing, 'Ready')?.status, 'False');
    assert.deepEqual(first?.lastState.terminated, {
      ...first?.lastState.terminated,
      exitCode: 1,
      reason: 'Error',
    });
    assert.match(
      first?.state.waiting?.message ?? '',
      /^back-off \S+ restarting failed container=web pod=crash-/,
    );
    await waitForObject<PodView>(
      rig,
      target,
      (pod) => (firstContainer(pod)?.restartCount ?? 0) > (first?.restartCount ?? 0),
    );
  });

  test('a pull-fail image cannot be pulled', async () => {
    const image = 'registry.rig/web:pull-fail';
    await rig.core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'pull' }, spec: { containers: [container('web', image)] } },
    });
    const backingOff = await waitForObject<PodView>(
      rig,
      { path: pods(), name: 'pull' },
      (pod) => firstContainer(pod)?.state.waiting?.reason === 'ImagePullBackOff',
    );
    assert.equal(backingOff.status?.phase, 'Pending');
    assert.equal(firstContainer(backingOff)?.state.waiting?.message, `Back-off pulling image "${image}"`);
  });

  test('the scheduler leaves pods that fit nowhere Unschedulable', async () => {
    const nowhere = {
      nodeSelector: { 'rig.gantry.dev/nowhere': 'true' },
      containers: [container('web', 'web:1')],
    };
    const huge = { containers: [container('web', 'web:1', { requests: { cpu: '1000' } })] };
    for (const [name, spec] of [
      ['nowhere', nowhere],
      ['huge', huge],
    ] as const) {
      await rig.core.createNamespacedPod({ namespace: ns, body: { metadata: { name }, spec } });
    }
    for (const name of ['nowhere', 'huge']) {
      const pending = await waitForObject<PodView>(
        rig,
        { path: pods(), name },
        (pod) => condition(pod, 'PodScheduled')?.status === 'False',
      );
      assert.equal(condition(pending, 'PodScheduled')?.reason, 'Unschedulable');
      assert.equal(pending.status?.phase, 'Pending');
    }
  });

  test('a Job completes', async () => {
    await rig.batch.createNamespacedJob({
      namespace: ns,
      body: {
        metadata: { name: 'migrate' },
        spec: {
          template: {
            spec: { restartPolicy: 'Never', containers: [container('migrate', 'registry.rig/migrate:1')] },
          },
        },
      },
    });
    const done = await waitForObject<
      KubeObject & { status?: { succeeded?: number; conditions?: { type: string; status: string }[] } }
    >(
      rig,
      { path: `/apis/batch/v1/namespaces/${ns}/jobs`, name: 'migrate' },
      (job) => job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') === true,
    );
    assert.equal(done.status?.succeeded, 1);
  });

  test('a claim binds to a provisioned volume, which goes when the claim does', async () => {
    await rig.core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
      },
    });
    const bound = await waitForObject<
      KubeObject & { spec: { volumeName?: string; storageClassName?: string }; status?: { phase?: string } }
    >(
      rig,
      { path: `/api/v1/namespaces/${ns}/persistentvolumeclaims`, name: 'data' },
      (claim) => claim.status?.phase === 'Bound',
    );
    assert.equal(bound.spec.storageClassName, RIG_STORAGE_CLASS);
    const volumeName = bound.spec.volumeName ?? '';
    const volume = await rig.core.readPersistentVolume({ name: volumeName });
    assert.equal(volume.spec?.capacity?.storage, '2Gi');

    await rig.core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: ns });
    await waitForObject(
      rig,
      {
        path: '/api/v1/persistentvolumes',
        name: volumeName,
        resourceVersion: volume.metadata?.resourceVersion ?? '',
      },
      (_, type) => type === 'DELETED',
    );
  });

  test('a StatefulSet gets its claims bound', async () => {
    await rig.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: { containers: [container('db', 'registry.rig/db:1')] },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
    });
    await waitForObject<KubeObject & { status?: { readyReplicas?: number } }>(
      rig,
      { path: `/apis/apps/v1/namespaces/${ns}/statefulsets`, name: 'db' },
      (set) => set.status?.readyReplicas === 2,
    );
    // The PV controller binds a claim in two writes (spec.volumeName, then status), and the scheduler
    // places the pod after the first: a claim can still read Pending while its pod is ready.
    for (const name of ['data-db-0', 'data-db-1']) {
      const claim = await waitForObject<KubeObject & { status?: { phase?: string } }>(
        rig,
        { path: `/api/v1/namespaces/${ns}/persistentvolumeclaims`, name },
        (object) => object.status?.phase === 'Bound',
      );
      assert.equal(claim.metadata.labels?.app, 'db');
    }
  });

  test('a ServiceAccount token is refused without RBAC (403) and once revoked (401)', async () => {
    const viewer = await serviceAccountToken(rig, { namespace: ns, name: 'viewer', clusterRole: 'view' });
    const nobody = await serviceAccountToken(rig, { namespace: ns, name: 'nobody' });
    const listAs = (kubeconfig: string) =>
      statusCodeOf(kubeConfigFrom(kubeconfig).makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns }));

    assert.equal(await listAs(viewer.kubeconfig), 200);
    assert.equal(await listAs(nobody.kubeconfig), 403);

    await viewer.revoke();
    // The API server caches a token's review for a few seconds.
    const deadline = Date.now() + 30_000;
    let code = await listAs(viewer.kubeconfig);
    while (code !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      code = await listAs(viewer.kubeconfig);
    }
    assert.equal(code, 401);
  });
});
