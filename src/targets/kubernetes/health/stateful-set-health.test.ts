import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthStatus } from './health-status.ts';
import { type StatefulSetObject, statefulSetHealth } from './stateful-set-health.ts';

type Status = NonNullable<StatefulSetObject['status']>;
type Spec = NonNullable<StatefulSetObject['spec']>;

const rolledOut: Status = {
  observedGeneration: 2,
  readyReplicas: 3,
  updatedReplicas: 3,
  currentRevision: 'db-5f8',
  updateRevision: 'db-5f8',
};
const midUpdate: Partial<Status> = {
  updatedReplicas: 1,
  currentRevision: 'db-4c1',
  updateRevision: 'db-5f8',
};

function statefulSet(spec: Spec, status: Partial<Status>): StatefulSetObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', generation: 2 },
    spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate' }, ...spec },
    status: { ...rolledOut, ...status },
  };
}

// [what, spec changes, status changes, expected]
const table: Array<[string, Spec, Partial<Status>, HealthStatus]> = [
  ['rolled out', {}, {}, { status: 'healthy', message: '3 of 3 pods ready at revision db-5f8' }],
  [
    'generation not observed yet',
    {},
    { observedGeneration: 1 },
    { status: 'progressing', message: 'waiting for the controller to observe generation 2 (observed 1)' },
  ],
  [
    'never observed',
    {},
    { observedGeneration: undefined },
    { status: 'progressing', message: 'waiting for the controller to observe generation 2 (observed 0)' },
  ],
  ['pods not ready', {}, { readyReplicas: 2 }, { status: 'progressing', message: '2 of 3 pods ready' }],
  [
    'rolling update under way',
    {},
    midUpdate,
    { status: 'progressing', message: '1 of 3 pods updated to revision db-5f8' },
  ],
  [
    'partition not reached yet',
    { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
    midUpdate,
    { status: 'progressing', message: '1 of 2 pods updated above partition 1' },
  ],
  [
    'partitioned update complete while lower pods keep the old revision',
    { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
    midUpdate,
    { status: 'healthy', message: '1 of 1 pods updated above partition 2' },
  ],
  [
    'partition zero is a plain rolling update',
    { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } },
    midUpdate,
    { status: 'progressing', message: '1 of 3 pods updated to revision db-5f8' },
  ],
  [
    'OnDelete with old pods ready',
    { updateStrategy: { type: 'OnDelete' } },
    midUpdate,
    { status: 'healthy', message: '3 of 3 pods ready (OnDelete: pods take a new template when deleted)' },
  ],
  [
    'OnDelete with pods not ready',
    { updateStrategy: { type: 'OnDelete' } },
    { readyReplicas: 1 },
    { status: 'progressing', message: '1 of 3 pods ready' },
  ],
];

for (const [what, spec, status, expected] of table) {
  test(`StatefulSet health: ${what}`, () => {
    assert.deepEqual(statefulSetHealth(statefulSet(spec, status)), expected);
  });
}
