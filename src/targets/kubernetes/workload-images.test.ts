import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './kube-object.ts';
import { workloadImages } from './workload-images.ts';

const deployment = (name: string, containers: object[], initContainers: object[] = []): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { template: { spec: { containers, initContainers } } },
});

test('every container image of the workloads, init containers first, one per container name', () => {
  const objects: KubeObject[] = [
    deployment('web', [{ name: 'web', image: 'web:1' }], [{ name: 'migrate', image: 'tools:1' }]),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { image: 'no:1' } },
    deployment('worker', [{ name: 'web', image: 'web:2' }, { name: 'sidecar' }]),
  ];
  assert.deepEqual(workloadImages(objects), [
    { container: 'migrate', image: 'tools:1', digest: null },
    { container: 'web', image: 'web:2', digest: null },
  ]);
});
