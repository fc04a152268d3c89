import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthStatus } from './health-status.ts';
import {
  type PersistentVolumeClaimObject,
  persistentVolumeClaimHealth,
} from './persistent-volume-claim-health.ts';

type Spec = NonNullable<PersistentVolumeClaimObject['spec']>;
type Status = NonNullable<PersistentVolumeClaimObject['status']>;

// [what, spec, status, expected]
const table: Array<[string, Spec, Status, HealthStatus]> = [
  [
    'bound',
    { volumeName: 'pv-1' },
    { phase: 'Bound' },
    { status: 'healthy', message: 'bound to volume pv-1' },
  ],
  [
    'lost',
    { volumeName: 'pv-1' },
    { phase: 'Lost' },
    { status: 'degraded', message: 'lost its volume pv-1' },
  ],
  [
    'pending',
    { storageClassName: 'local' },
    { phase: 'Pending' },
    { status: 'progressing', message: 'pending: waiting for a volume of class local' },
  ],
  [
    'no status yet, default class',
    {},
    {},
    { status: 'progressing', message: 'pending: waiting for a volume' },
  ],
];

for (const [what, spec, status, expected] of table) {
  test(`PersistentVolumeClaim health: ${what}`, () => {
    const claim: PersistentVolumeClaimObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec,
      status,
    };
    assert.deepEqual(persistentVolumeClaimHealth(claim), expected);
  });
}
