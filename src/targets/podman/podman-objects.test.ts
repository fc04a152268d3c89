import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { podmanObjects, podmanPods, replicaNotes, withPodLabels } from './podman-objects.ts';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        initContainers: [{ name: 'migrate', image: 'm', envFrom: [{ configMapRef: { name: 'settings' } }] }],
        containers: [
          {
            name: 'web',
            image: 'w',
            env: [
              { name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a' } } },
              { name: 'B', value: 'b' },
            ],
          },
        ],
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
          { name: 'conf', configMap: { name: 'settings' } },
          { name: 'tmp', emptyDir: {} },
        ],
      },
    },
  },
};
const objects: KubeObject[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: {} },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' }, data: {} },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: {} },
  deployment,
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug' },
    spec: { restartPolicy: 'Never', containers: [{ name: 'sh', image: 's' }] },
  },
];

test('Podman keeps Deployments, Pods, ConfigMaps and claims, each named after the environment', () => {
  const { objects: kept, skipped } = podmanObjects(objects, 'shop-prod-');
  assert.deepEqual(
    kept.map((object) => `${object.kind}/${object.metadata.name}`),
    [
      'ConfigMap/shop-prod-settings',
      'PersistentVolumeClaim/shop-prod-data',
      'Deployment/shop-prod-web',
      'Pod/shop-prod-debug',
    ],
  );
  assert.equal(kept[2]!.metadata.namespace, undefined, 'Podman has no namespaces');
  assert.deepEqual(
    skipped.map(({ ref, reason }) => `${ref.kind}/${ref.name}: ${reason}`),
    [
      'Service/web: Podman has no Services or Ingresses: containers answer on their published ports',
      "Secret/token: Podman 4.3's kube play cannot hand Secret values to containers",
      'Job/once: podman kube play does not run Job',
    ],
  );
  assert.equal(deployment.metadata.name, 'web', 'the input is not changed');
});

test('references from pod specs to ConfigMaps and claims follow the names', () => {
  const [, , web] = podmanObjects(objects, 'p-').objects;
  const spec = (web!.spec as { template: { spec: Record<string, unknown[]> } }).template.spec;
  assert.deepEqual(spec.volumes, [
    { name: 'data', persistentVolumeClaim: { claimName: 'p-data' } },
    { name: 'conf', configMap: { name: 'p-settings' } },
    { name: 'tmp', emptyDir: {} },
  ]);
  assert.deepEqual((spec.initContainers![0] as { envFrom: unknown }).envFrom, [
    { configMapRef: { name: 'p-settings' } },
  ]);
  assert.deepEqual((spec.containers![0] as { env: unknown }).env, [
    { name: 'A', valueFrom: { configMapKeyRef: { name: 'p-settings', key: 'a' } } },
    { name: 'B', value: 'b' },
  ]);
});

test('pods: a Deployment runs <name>-pod-0, a Pod its own name; containers are <pod>-<container>', () => {
  const pods = podmanPods(podmanObjects(objects, 'p-').objects);
  assert.deepEqual(
    pods.map((pod) => [
      pod.pod,
      pod.restartPolicy,
      pod.containers.map((c) => `${c.name}${c.init ? ' (init)' : ''}`),
    ]),
    [
      ['p-web-pod-0', 'Always', ['p-web-pod-0-migrate (init)', 'p-web-pod-0-web']],
      ['p-debug', 'Never', ['p-debug-sh']],
    ],
  );
});

test('pod labels go on pod templates and Pods; replicas beyond one are noted', () => {
  const labelled = withPodLabels(objects, { 'gantry.dev/deployment': '7' });
  const template = (labelled[5]!.spec as { template: { metadata: { labels: Record<string, string> } } })
    .template;
  assert.deepEqual(template.metadata.labels, { app: 'web', 'gantry.dev/deployment': '7' });
  assert.deepEqual(labelled[6]!.metadata.labels, { 'gantry.dev/deployment': '7' });
  assert.equal(labelled[0], objects[0], 'other objects are untouched');
  assert.deepEqual(replicaNotes(objects), ['Deployment web asks for 3 replicas: Podman runs one pod']);
});
