import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { waitForRollout } from './rollout-watch.ts';

// Behaviour that needs no cluster; the watches themselves are tested against the Kubernetes rig in
// test/kubernetes/rollout-watch.test.ts. An empty KubeConfig has no cluster: any request would throw.
const noCluster = new KubeConfig();
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings' };
const namespace = { apiVersion: 'v1', kind: 'Namespace', name: 'shop' };

test('waitForRollout resolves at once, without watching, when no object has a health rule', async () => {
  const lines: string[] = [];
  await waitForRollout({
    kubeConfig: noCluster,
    namespace: 'shop',
    objects: [configMap, namespace],
    timeoutMs: 1_000,
    onProgress: (line) => lines.push(line),
  });
  assert.deepEqual(lines, []);
});

test('waitForRollout rejects with the reason of a signal aborted before it starts', async () => {
  const controller = new AbortController();
  controller.abort(new Error('deployment canceled'));
  await assert.rejects(
    waitForRollout({
      kubeConfig: noCluster,
      namespace: 'shop',
      objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }],
      timeoutMs: 1_000,
      signal: controller.signal,
    }),
    /deployment canceled/,
  );
});

test('waitForRollout rejects, naming what it tried, when the cluster cannot be reached', async () => {
  await assert.rejects(
    waitForRollout({
      kubeConfig: noCluster,
      namespace: 'shop',
      objects: [{ apiVersion: 'v1', kind: 'Service', name: 'web' }],
      timeoutMs: 10_000,
    }),
    { message: /^cannot list services in namespace shop: / },
  );
});
