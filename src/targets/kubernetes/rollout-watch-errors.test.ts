import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RolloutFailedError, type RolloutFailure, RolloutTimeoutError } from './rollout-watch-errors.ts';

const web = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

// [what, failure, message]
const table: Array<[string, RolloutFailure, string]> = [
  [
    'a container failing',
    {
      ref: web,
      pod: 'web-7d9-x2x',
      container: 'web',
      reason: 'CrashLoopBackOff',
      detail: 'back-off 10s restarting failed container',
    },
    'Deployment web: pod web-7d9-x2x container web: CrashLoopBackOff: back-off 10s restarting failed container',
  ],
  [
    'a container failing without a message',
    { ref: web, pod: 'web-7d9-x2x', container: 'web', reason: 'ErrImagePull', detail: '' },
    'Deployment web: pod web-7d9-x2x container web: ErrImagePull',
  ],
  [
    'a pod that cannot be scheduled',
    { ref: web, pod: 'web-7d9-x2x', reason: 'Unschedulable', detail: '0/1 nodes are available' },
    'Deployment web: pod web-7d9-x2x: Unschedulable: 0/1 nodes are available',
  ],
  [
    'a degraded object',
    {
      ref: { apiVersion: 'batch/v1', kind: 'Job', namespace: 'shop', name: 'migrate' },
      reason: 'Degraded',
      detail: 'failed: BackoffLimitExceeded',
    },
    'Job shop/migrate: failed: BackoffLimitExceeded',
  ],
];

for (const [what, failure, message] of table) {
  test(`RolloutFailedError names ${what}`, () => {
    const error = new RolloutFailedError(failure);
    assert.equal(error.message, message);
    assert.equal(error.reason, failure.reason);
    assert.equal(error.pod, failure.pod);
    assert.equal(error.container, failure.container);
    assert.equal(error.detail, failure.detail);
  });
}

test('RolloutTimeoutError names everything still progressing', () => {
  const error = new RolloutTimeoutError(90_000, [
    { ref: web, message: '2 of 3 updated replicas available' },
    {
      ref: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'data' },
      message: 'pending: waiting for a volume',
    },
  ]);
  assert.equal(
    error.message,
    'rollout not healthy after 90 s: Deployment web: 2 of 3 updated replicas available; PersistentVolumeClaim data: pending: waiting for a volume',
  );
});
