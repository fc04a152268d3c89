import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DaemonSetObject, daemonSetHealth } from './daemon-set-health.ts';
import type { HealthStatus } from './health-status.ts';

type Status = NonNullable<DaemonSetObject['status']>;
type Spec = NonNullable<DaemonSetObject['spec']>;

const rolledOut: Status = {
  observedGeneration: 4,
  desiredNumberScheduled: 3,
  updatedNumberScheduled: 3,
  numberAvailable: 3,
};

function daemonSet(spec: Spec, status: Partial<Status>): DaemonSetObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', generation: 4 },
    spec: { updateStrategy: { type: 'RollingUpdate' }, ...spec },
    status: { ...rolledOut, ...status },
  };
}

// [what, spec changes, status changes, expected]
const table: Array<[string, Spec, Partial<Status>, HealthStatus]> = [
  ['rolled out', {}, {}, { status: 'healthy', message: '3 of 3 pods updated and available' }],
  [
    'generation not observed yet',
    {},
    { observedGeneration: 3 },
    { status: 'progressing', message: 'waiting for the controller to observe generation 4 (observed 3)' },
  ],
  [
    'pods still being updated',
    {},
    { updatedNumberScheduled: 1 },
    { status: 'progressing', message: '1 of 3 pods updated' },
  ],
  [
    'updated pods not all available',
    {},
    { numberAvailable: 2 },
    { status: 'progressing', message: '2 of 3 updated pods available' },
  ],
  [
    'no node to run on',
    {},
    { desiredNumberScheduled: 0, updatedNumberScheduled: 0, numberAvailable: 0 },
    { status: 'healthy', message: '0 of 0 pods updated and available' },
  ],
  [
    'OnDelete with old pods available',
    { updateStrategy: { type: 'OnDelete' } },
    { updatedNumberScheduled: 0 },
    { status: 'healthy', message: '3 of 3 pods available (OnDelete: pods take a new template when deleted)' },
  ],
  [
    'OnDelete with pods unavailable',
    { updateStrategy: { type: 'OnDelete' } },
    { numberAvailable: 1 },
    { status: 'progressing', message: '1 of 3 pods available' },
  ],
];

for (const [what, spec, status, expected] of table) {
  test(`DaemonSet health: ${what}`, () => {
    assert.deepEqual(daemonSetHealth(daemonSet(spec, status)), expected);
  });
}
