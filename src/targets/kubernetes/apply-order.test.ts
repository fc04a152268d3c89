import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySteps, deletionSteps } from './apply-order.ts';

const item = (apiVersion: string, kind: string) => ({ apiVersion, kind });

const cases: Array<[string, string, string]> = [
  ['v1', 'Namespace', 'namespaces'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'custom resource definitions'],
  ['v1', 'ServiceAccount', 'configuration'],
  ['rbac.authorization.k8s.io/v1', 'Role', 'configuration'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'configuration'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'configuration'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'configuration'],
  ['v1', 'ConfigMap', 'configuration'],
  ['v1', 'Secret', 'configuration'],
  ['storage.k8s.io/v1', 'StorageClass', 'configuration'],
  ['v1', 'PersistentVolume', 'configuration'],
  ['v1', 'PersistentVolumeClaim', 'configuration'],
  ['v1', 'LimitRange', 'configuration'],
  ['v1', 'ResourceQuota', 'configuration'],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'configuration'],
  ['v1', 'Service', 'services'],
  ['apps/v1', 'Deployment', 'workloads and the rest'],
  ['apps/v1', 'StatefulSet', 'workloads and the rest'],
  ['apps/v1', 'DaemonSet', 'workloads and the rest'],
  ['apps/v1', 'ReplicaSet', 'workloads and the rest'],
  ['v1', 'Pod', 'workloads and the rest'],
  ['batch/v1', 'Job', 'workloads and the rest'],
  ['batch/v1', 'CronJob', 'workloads and the rest'],
  ['networking.k8s.io/v1', 'Ingress', 'workloads and the rest'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'workloads and the rest'],
  ['policy/v1', 'PodDisruptionBudget', 'workloads and the rest'],
  ['example.com/v1', 'Widget', 'workloads and the rest'],
  ['example.com/v1', 'Secret', 'workloads and the rest'],
];

test('each kind goes to its step', () => {
  for (const [apiVersion, kind, step] of cases) {
    const [only] = applySteps([item(apiVersion, kind)]);
    assert.equal(only?.name, step, `${apiVersion} ${kind}`);
  }
});

test('steps come in dependency order, keep input order inside, and skip empty steps', () => {
  const input = [
    item('apps/v1', 'Deployment'),
    item('v1', 'Service'),
    item('v1', 'Secret'),
    item('v1', 'Namespace'),
    item('v1', 'ConfigMap'),
    item('example.com/v1', 'Widget'),
  ];
  const summary = (steps: ReturnType<typeof applySteps>) =>
    steps.map((s) => `${s.name}: ${s.items.map((i) => i.kind).join(' ')}`);
  assert.deepEqual(summary(applySteps(input)), [
    'namespaces: Namespace',
    'configuration: Secret ConfigMap',
    'services: Service',
    'workloads and the rest: Deployment Widget',
  ]);
  assert.deepEqual(summary(deletionSteps(input)), [
    'workloads and the rest: Deployment Widget',
    'services: Service',
    'configuration: Secret ConfigMap',
    'namespaces: Namespace',
  ]);
  assert.deepEqual(applySteps([]), []);
});

test('objects keep their own type (references or full objects)', () => {
  const ref = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' };
  assert.equal(applySteps([ref])[0]!.items[0], ref);
});
