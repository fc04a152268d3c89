import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canaryOf, canaryReplicas, replicasOf, withReplicas } from './canary-track.ts';
import type { KubeObject } from './kube-object.ts';

test('replicas of the new version per step', () => {
  const cases: Array<[total: number, percent: number, expected: number]> = [
    [10, 10, 1],
    [10, 50, 5],
    [10, 100, 10],
    [2, 10, 1],
    [2, 50, 1],
    [2, 99, 1],
    [3, 50, 2],
    [1, 50, 1],
    [4, 1, 1],
  ];
  for (const [total, percent, expected] of cases) {
    assert.equal(canaryReplicas(total, percent), expected, `${percent}% of ${total}`);
  }
});

const web: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'web:2' }] },
    },
  },
};

test('the canary is the new version under its own name, selector and track label', () => {
  const canary = canaryOf(web, 1);
  assert.equal(canary.metadata.name, 'web-canary');
  assert.deepEqual(canary.metadata.labels, { app: 'web', track: 'canary' });
  assert.deepEqual(canary.spec, {
    replicas: 1,
    selector: { matchLabels: { app: 'web', track: 'canary' } },
    template: {
      metadata: { labels: { app: 'web', track: 'canary' } },
      spec: { containers: [{ name: 'web', image: 'web:2' }] },
    },
  });
  assert.deepEqual(web.metadata.labels, { app: 'web' }, 'the input is not changed');
});

test('replicas as written, and the stable track scaled down', () => {
  assert.equal(replicasOf(web), 4);
  assert.equal(replicasOf({ ...web, spec: {} }), 1);
  assert.equal(replicasOf(withReplicas(web, 3)), 3);
  assert.equal(replicasOf(web), 4);
});
