import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCancelable, isFinished, type JobStatus, mayTransition, statusesLeadingTo } from './job-status.ts';

const allowed: Array<[JobStatus, JobStatus]> = [
  ['created', 'pending'],
  ['created', 'manual'],
  ['created', 'scheduled'],
  ['created', 'skipped'],
  ['pending', 'running'],
  ['running', 'success'],
  ['running', 'failed'],
  ['running', 'canceled'],
  ['manual', 'pending'],
  ['scheduled', 'pending'],
  ['scheduled', 'manual'],
  ['created', 'waiting_for_resource'],
  ['manual', 'waiting_for_resource'],
  ['waiting_for_resource', 'pending'],
  ['waiting_for_resource', 'running'],
  ['waiting_for_resource', 'manual'],
  ['waiting_for_resource', 'failed'],
];
const refused: Array<[JobStatus, JobStatus]> = [
  ['success', 'running'],
  ['failed', 'pending'],
  ['canceled', 'running'],
  ['skipped', 'pending'],
  ['created', 'running'],
  ['running', 'pending'],
  ['manual', 'running'],
  ['pending', 'success'],
  ['waiting_for_resource', 'success'],
  ['pending', 'waiting_for_resource'],
];
for (const [from, to] of allowed)
  test(`${from} → ${to} allowed`, () => assert.equal(mayTransition(from, to), true));
for (const [from, to] of refused)
  test(`${from} → ${to} refused`, () => assert.equal(mayTransition(from, to), false));

test('finished and cancelable partition the statuses', () => {
  assert.deepEqual(statusesLeadingTo('running'), ['pending', 'waiting_for_resource']);
  for (const status of ['success', 'failed', 'canceled', 'skipped'] as const) {
    assert.equal(isFinished(status), true);
    assert.equal(isCancelable(status), false);
  }
  for (const status of [
    'created',
    'pending',
    'running',
    'manual',
    'scheduled',
    'waiting_for_resource',
  ] as const) {
    assert.equal(isFinished(status), false);
    assert.equal(isCancelable(status), true);
  }
});
