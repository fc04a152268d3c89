import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthStatus } from './health-status.ts';
import { type JobObject, jobHealth } from './job-health.ts';

type Status = NonNullable<JobObject['status']>;
type Spec = NonNullable<JobObject['spec']>;

const job = (spec: Spec, status: Status): JobObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate' },
  spec,
  status,
});

const backoffLimitExceeded = {
  type: 'Failed',
  status: 'True',
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
};

// [what, spec, status, expected]
const table: Array<[string, Spec, Status, HealthStatus]> = [
  ['just created', {}, {}, { status: 'progressing', message: '0 of 1 completions succeeded, 0 active' }],
  [
    'running with a failed attempt',
    { completions: 3 },
    { active: 1, succeeded: 1, failed: 1 },
    { status: 'progressing', message: '1 of 3 completions succeeded, 1 active, 1 failed' },
  ],
  [
    'complete',
    {},
    {
      succeeded: 1,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True' },
        { type: 'Complete', status: 'True' },
      ],
    },
    { status: 'healthy', message: 'completed (1 succeeded)' },
  ],
  [
    'success decided, pods still terminating',
    {},
    { succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] },
    { status: 'progressing', message: '1 of 1 completions succeeded, 0 active' },
  ],
  [
    'failed',
    {},
    { failed: 7, conditions: [backoffLimitExceeded] },
    {
      status: 'degraded',
      message: 'failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    },
  ],
  [
    'failure decided, pods still terminating',
    {},
    { failed: 7, conditions: [{ ...backoffLimitExceeded, type: 'FailureTarget' }] },
    {
      status: 'degraded',
      message: 'failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    },
  ],
  [
    'a False Failed condition is no failure',
    {},
    { conditions: [{ type: 'Failed', status: 'False' }] },
    { status: 'progressing', message: '0 of 1 completions succeeded, 0 active' },
  ],
  [
    'suspended',
    { suspend: true },
    { conditions: [{ type: 'Suspended', status: 'True' }] },
    { status: 'progressing', message: 'suspended' },
  ],
];

for (const [what, spec, status, expected] of table) {
  test(`Job health: ${what}`, () => {
    assert.deepEqual(jobHealth(job(spec, status)), expected);
  });
}
