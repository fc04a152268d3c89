import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './kube-object.ts';
import { buildLiveView, type LiveObjects } from './live-view.ts';

const mine = { 'gantry.dev/project': '7', 'gantry.dev/environment': 'production' };
const otherEnvironment = { 'gantry.dev/project': '7', 'gantry.dev/environment': 'staging' };

const object = (
  apiVersion: string,
  kind: string,
  name: string,
  fields: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, labels: mine, generation: 1, ...metadata },
  ...fields,
});

const template = (containers: Record<string, unknown>[]) => ({
  template: { metadata: { labels: mine }, spec: { containers } },
});

const deployment = object(
  'apps/v1',
  'Deployment',
  'web',
  {
    spec: { replicas: 2, ...template([{ name: 'web', image: 'shop/web:1' }]) },
    status: {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [{ type: 'Available', status: 'True' }],
    },
  },
  { uid: 'd1', creationTimestamp: new Date('2026-01-02T03:04:05Z') },
);

const replicaSet = object(
  'apps/v1',
  'ReplicaSet',
  'web-5d8',
  {
    spec: { replicas: 2, ...template([{ name: 'web', image: 'shop/web:1' }]) },
    status: { readyReplicas: 2, availableReplicas: 1 },
  },
  {
    uid: 'r1',
    annotations: { 'deployment.kubernetes.io/revision': '3' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true },
    ],
  },
);

const pod = (name: string, status: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
  object(
    'v1',
    'Pod',
    name,
    {
      spec: {
        nodeName: 'node-1',
        initContainers: [{ name: 'migrate', image: 'shop/migrate:1' }],
        containers: [{ name: 'web', image: 'shop/web:1' }],
      },
      status,
    },
    {
      creationTimestamp: '2026-01-02T03:05:00Z',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8', uid: 'r1', controller: true },
      ],
      ...metadata,
    },
  );

const running = pod('web-5d8-a', {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }],
  initContainerStatuses: [
    {
      name: 'migrate',
      ready: true,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    },
  ],
  containerStatuses: [{ name: 'web', ready: true, restartCount: 1, state: { running: { startedAt: 'x' } } }],
});

const crashing = pod(
  'web-5d8-b',
  {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'web',
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
      },
    ],
  },
  { deletionTimestamp: '2026-01-02T03:06:00Z' },
);

const unschedulable = object('v1', 'Pod', 'web-5d8-c', {
  spec: { containers: [{ name: 'web', image: 'shop/web:1' }] },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes' }],
  },
});

const objects = (entries: KubeObject[]): LiveObjects => {
  const byKind = new Map<string, KubeObject[]>();
  for (const entry of entries) byKind.set(entry.kind, [...(byKind.get(entry.kind) ?? []), entry]);
  return byKind;
};

test('buildLiveView shows a Deployment with its health, replicas, images and creation time', () => {
  const view = buildLiveView(objects([deployment]), mine);
  assert.deepEqual(view.workloads, [
    {
      kind: 'Deployment',
      name: 'web',
      health: view.workloads[0]!.health,
      replicas: { desired: 2, ready: 2, updated: 2, available: 2 },
      job: null,
      images: [{ container: 'web', image: 'shop/web:1' }],
      created_at: '2026-01-02T03:04:05.000Z',
    },
  ]);
  assert.equal(view.workloads[0]!.health.status, 'healthy');
});

test('buildLiveView shows a ReplicaSet with its owner, revision and counts', () => {
  assert.deepEqual(buildLiveView(objects([replicaSet]), mine).replica_sets, [
    {
      name: 'web-5d8',
      owner: { kind: 'Deployment', name: 'web' },
      revision: 3,
      replicas: { desired: 2, ready: 2, available: 1 },
      images: [{ container: 'web', image: 'shop/web:1' }],
      created_at: null,
    },
  ]);
});

test('buildLiveView shows pods with phase, readiness, restarts, images and waiting reasons', () => {
  const [first, second, third] = buildLiveView(objects([unschedulable, crashing, running]), mine).pods;
  assert.deepEqual(first, {
    name: 'web-5d8-a',
    owner: { kind: 'ReplicaSet', name: 'web-5d8' },
    phase: 'Running',
    ready: true,
    restarts: 1,
    node: 'node-1',
    terminating: false,
    reason: null,
    message: null,
    containers: [
      {
        name: 'migrate',
        image: 'shop/migrate:1',
        init: true,
        ready: true,
        restarts: 0,
        state: 'terminated',
        reason: 'Completed',
        message: null,
      },
      {
        name: 'web',
        image: 'shop/web:1',
        init: false,
        ready: true,
        restarts: 1,
        state: 'running',
        reason: null,
        message: null,
      },
    ],
    created_at: '2026-01-02T03:05:00Z',
  });
  assert.equal(second?.ready, false);
  assert.equal(second?.restarts, 4);
  assert.equal(second?.terminating, true);
  assert.deepEqual(second?.containers[1], {
    name: 'web',
    image: 'shop/web:1',
    init: false,
    ready: false,
    restarts: 4,
    state: 'waiting',
    reason: 'CrashLoopBackOff',
    message: 'back-off 40s',
  });
  assert.equal(second?.containers[0]?.state, 'unknown', 'an init container without status yet');
  assert.deepEqual(
    [third?.phase, third?.reason, third?.message, third?.node],
    ['Pending', 'Unschedulable', '0/1 nodes', null],
  );
});

// [what, object, the workload's replicas, its job counts]
const workloads: Array<[string, KubeObject, unknown, unknown]> = [
  [
    'a DaemonSet by its scheduled counts',
    object('apps/v1', 'DaemonSet', 'agent', {
      status: { desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 1 },
    }),
    { desired: 3, ready: 2, updated: 3, available: 1 },
    null,
  ],
  [
    'a StatefulSet without status yet',
    object('apps/v1', 'StatefulSet', 'db', { spec: { replicas: 3 } }),
    { desired: 3, ready: 0, updated: 0, available: 0 },
    null,
  ],
  [
    'a Job by completions',
    object('batch/v1', 'Job', 'migrate', { spec: { completions: 2 }, status: { active: 1, succeeded: 1 } }),
    null,
    { completions: 2, active: 1, succeeded: 1, failed: 0 },
  ],
];

for (const [what, input, replicas, job] of workloads) {
  test(`buildLiveView shows ${what}`, () => {
    const [view] = buildLiveView(objects([input]), mine).workloads;
    assert.deepEqual([view?.replicas, view?.job], [replicas, job]);
  });
}

test('buildLiveView keeps only objects of the environment, of the workload API groups, sorted', () => {
  const view = buildLiveView(
    objects([
      object('apps/v1', 'Deployment', 'zeta'),
      object('apps/v1', 'Deployment', 'alpha'),
      object('apps/v1', 'Deployment', 'staging-web', {}, { labels: otherEnvironment }),
      object('apps/v1', 'Deployment', 'unlabelled', {}, { labels: {} }),
      object('example.com/v1', 'Deployment', 'custom'),
      object('batch/v1', 'Job', 'migrate'),
      object('v1', 'Pod', 'stray', {}, { labels: otherEnvironment }),
    ]),
    mine,
  );
  assert.deepEqual(
    view.workloads.map((workload) => `${workload.kind}/${workload.name}`),
    ['Deployment/alpha', 'Deployment/zeta', 'Job/migrate'],
  );
  assert.deepEqual(view.pods, []);
});
