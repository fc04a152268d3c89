import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEPLOYMENT_STATUSES,
  type DeploymentStatus,
  deploymentStatusForJob,
  isDeploymentFinished,
  mayTransitionDeployment,
  statusesLeadingToDeployment,
} from './deployment-status.ts';

const finished: Array<[DeploymentStatus, boolean]> = [
  ['created', false],
  ['blocked', false],
  ['running', false],
  ['success', true],
  ['failed', true],
  ['canceled', true],
  ['skipped', true],
];
for (const [status, expected] of finished) {
  test(`${status} is ${expected ? '' : 'not '}finished`, () =>
    assert.equal(isDeploymentFinished(status), expected));
}

// Every allowed transition; every pair not listed is refused.
const allowed: Record<DeploymentStatus, DeploymentStatus[]> = {
  created: ['blocked', 'running', 'success', 'failed', 'canceled', 'skipped'],
  blocked: ['created', 'running', 'success', 'failed', 'canceled', 'skipped'],
  running: ['success', 'failed', 'canceled'],
  success: [],
  failed: [],
  canceled: [],
  skipped: [],
};
for (const from of DEPLOYMENT_STATUSES) {
  for (const to of DEPLOYMENT_STATUSES) {
    const expected = allowed[from].includes(to);
    test(`${from} → ${to} is ${expected ? 'allowed' : 'refused'}`, () =>
      assert.equal(mayTransitionDeployment(from, to), expected));
  }
}

const leading: Array<[DeploymentStatus, DeploymentStatus[]]> = [
  ['created', ['blocked']],
  ['blocked', ['created']],
  ['running', ['created', 'blocked']],
  ['success', ['created', 'blocked', 'running']],
  ['failed', ['created', 'blocked', 'running']],
  ['canceled', ['created', 'blocked', 'running']],
  ['skipped', ['created', 'blocked']],
];
for (const [to, from] of leading) {
  test(`statuses leading to ${to}: ${from.join(', ')}`, () =>
    assert.deepEqual(statusesLeadingToDeployment(to), from));
}

// [job status, awaiting approval?, deployment status]
const forJob: Array<[string, boolean, DeploymentStatus]> = [
  ['created', false, 'created'],
  ['pending', false, 'created'],
  ['pending', true, 'created'],
  ['scheduled', false, 'created'],
  ['manual', false, 'blocked'],
  ['manual', true, 'blocked'],
  ['waiting_for_resource', false, 'created'],
  ['waiting_for_resource', true, 'blocked'],
  ['running', false, 'running'],
  ['success', false, 'success'],
  ['failed', false, 'failed'],
  ['failed', true, 'failed'],
  ['canceled', false, 'canceled'],
  ['skipped', false, 'skipped'],
];
for (const [jobStatus, awaitingApproval, expected] of forJob) {
  test(`job ${jobStatus}${awaitingApproval ? ' awaiting approval' : ''} → deployment ${expected}`, () =>
    assert.equal(deploymentStatusForJob(jobStatus, { awaitingApproval }), expected));
}

test('an unknown job status is a bug', () =>
  assert.throws(
    () => deploymentStatusForJob('bogus', { awaitingApproval: false }),
    /unknown job status "bogus"/,
  ));
