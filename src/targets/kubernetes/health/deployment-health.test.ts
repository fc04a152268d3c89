import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DeploymentObject, deploymentHealth } from './deployment-health.ts';
import type { HealthStatus } from './health-status.ts';

type Status = NonNullable<DeploymentObject['status']>;
type Spec = NonNullable<DeploymentObject['spec']>;

const available = { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' };
const newReplicaSetAvailable = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' };
const rolledOut: Status = {
  observedGeneration: 2,
  replicas: 3,
  updatedReplicas: 3,
  availableReplicas: 3,
  conditions: [available, newReplicaSetAvailable],
};

function deployment(spec: Spec, status: Partial<Status>, generation = 2): DeploymentObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', generation },
    spec: { replicas: 3, ...spec },
    status: { ...rolledOut, ...status },
  };
}

// [what, spec changes, status changes, expected]
const table: Array<[string, Spec, Partial<Status>, HealthStatus]> = [
  ['rolled out', {}, {}, { status: 'healthy', message: '3 of 3 replicas updated and available' }],
  [
    'generation not observed yet',
    {},
    { observedGeneration: 1 },
    { status: 'progressing', message: 'waiting for the controller to observe generation 2 (observed 1)' },
  ],
  [
    'replicas still being updated',
    {},
    { replicas: 4, updatedReplicas: 1, availableReplicas: 3 },
    { status: 'progressing', message: '1 of 3 replicas updated' },
  ],
  [
    'one old replica left',
    {},
    { replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
    { status: 'progressing', message: '1 old replica pending termination' },
  ],
  [
    'two old replicas left',
    {},
    { replicas: 5, updatedReplicas: 3, availableReplicas: 3 },
    { status: 'progressing', message: '2 old replicas pending termination' },
  ],
  [
    'updated replicas not all available',
    {},
    { availableReplicas: 2 },
    { status: 'progressing', message: '2 of 3 updated replicas available' },
  ],
  [
    'Available condition False',
    {},
    {
      conditions: [
        { type: 'Available', status: 'False', message: 'Deployment does not have minimum availability.' },
      ],
    },
    {
      status: 'progressing',
      message: 'waiting for the Available condition: Deployment does not have minimum availability.',
    },
  ],
  [
    'no Available condition yet',
    {},
    { conditions: [] },
    { status: 'progressing', message: 'waiting for the Available condition' },
  ],
  [
    'progress deadline exceeded',
    {},
    {
      availableReplicas: 0,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-7d9" has timed out progressing.',
        },
      ],
    },
    {
      status: 'degraded',
      message: 'exceeded its progress deadline: ReplicaSet "web-7d9" has timed out progressing.',
    },
  ],
  [
    'paused mid-rollout',
    { paused: true },
    {
      updatedReplicas: 0,
      conditions: [available, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' }],
    },
    { status: 'degraded', message: 'paused before its rollout finished: 0 of 3 replicas updated' },
  ],
  [
    'paused after rolling out',
    { paused: true },
    {},
    { status: 'healthy', message: '3 of 3 replicas updated and available' },
  ],
  [
    'scaled to zero',
    { replicas: 0 },
    { replicas: 0, updatedReplicas: 0, availableReplicas: 0 },
    { status: 'healthy', message: '0 of 0 replicas updated and available' },
  ],
  [
    'replicas defaulted to one',
    { replicas: undefined },
    { replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    { status: 'healthy', message: '1 of 1 replicas updated and available' },
  ],
];

for (const [what, spec, status, expected] of table) {
  test(`Deployment health: ${what}`, () => {
    assert.deepEqual(deploymentHealth(deployment(spec, status)), expected);
  });
}

test('Deployment health: a Deployment with no status yet is progressing', () => {
  const fresh: DeploymentObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', generation: 1 },
  };
  assert.equal(deploymentHealth(fresh).status, 'progressing');
});
