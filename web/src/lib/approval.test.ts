import assert from 'node:assert/strict';
import { test } from 'node:test';
import { approvalProgress, completesApprovals, decisionOutcome } from './approval.ts';

const state = (approved: number, required: number, name: 'pending' | 'approved' = 'pending') => ({
  state: name,
  approved_count: approved,
  required_count: required,
});

test('approve and deploy is offered only for the approval that completes the count', () => {
  assert.equal(completesApprovals(state(0, 1)), true);
  assert.equal(completesApprovals(state(1, 2)), true);
  assert.equal(completesApprovals(state(0, 2)), false);
});

test('progress and outcomes read as sentences', () => {
  assert.equal(approvalProgress(state(0, 1)), '0 of 1 approval');
  assert.equal(approvalProgress(state(1, 3)), '1 of 3 approvals');
  assert.equal(decisionOutcome('approved', state(1, 3)), 'Approved: 2 more approvals needed.');
  assert.equal(decisionOutcome('approved', state(2, 3)), 'Approved: 1 more approval needed.');
  assert.match(decisionOutcome('approved', state(1, 1, 'approved')), /^Approved: every approval is in/);
  assert.equal(
    decisionOutcome('approved and deployed', state(1, 1, 'approved')),
    'Approved and deployed: the deployment starts now.',
  );
  assert.equal(decisionOutcome('rejected', state(0, 1)), 'Rejected: the deployment will not run.');
});
