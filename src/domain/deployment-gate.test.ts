import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideGate, type GateDecision, type GateInput } from './deployment-gate.ts';

const clear: GateInput = {
  environmentName: 'production',
  deployAllowed: true,
  approval: { state: 'not_required', approvedCount: 0, requiredCount: 0 },
  outdated: null,
  freeze: null,
  freezeOverridden: false,
};
const freeze = {
  description: 'deploy freeze #3 "0 23 * * 5" → "0 7 * * 1" (UTC) is active until 2026-12-07T07:00:00.000Z',
};
const pending = { state: 'pending', approvedCount: 1, requiredCount: 3 } as const;
const rejected = { state: 'rejected', approvedCount: 1, requiredCount: 2 } as const;

const forbidden: GateDecision = {
  kind: 'fail',
  reason: 'protected_environment_failure',
  message: 'you are not allowed to deploy to production',
};
const rejection: GateDecision = {
  kind: 'fail',
  reason: 'deployment_rejected',
  message: 'deployment to production was rejected',
};
const waiting: GateDecision = {
  kind: 'wait_for_approval',
  message: 'deployment to production needs 2 more approvals (1 of 3)',
};
const outdated: GateDecision = {
  kind: 'fail',
  reason: 'failed_outdated_deployment_job',
  message:
    'a newer deployment to production (#42) has already succeeded; this older deployment job would roll it back',
};
const frozen: GateDecision = {
  kind: 'fail',
  reason: 'deployment_frozen',
  message: `deployment to production refused: ${freeze.description}`,
};

// [what, changes from a clear gate, decision]
const table: Array<[string, Partial<GateInput>, GateDecision]> = [
  ['nothing in the way', {}, { kind: 'proceed' }],
  ['approved', { approval: { state: 'approved', approvedCount: 2, requiredCount: 2 } }, { kind: 'proceed' }],
  ['freeze overridden', { freeze, freezeOverridden: true }, { kind: 'proceed' }],
  ['not allowed to deploy', { deployAllowed: false }, forbidden],
  ['rejected', { approval: rejected }, rejection],
  ['pending approval', { approval: pending }, waiting],
  [
    'one approval missing',
    { approval: { state: 'pending', approvedCount: 0, requiredCount: 1 } },
    { kind: 'wait_for_approval', message: 'deployment to production needs 1 more approval (0 of 1)' },
  ],
  ['outdated', { outdated: { latestSuccessfulIid: 42 } }, outdated],
  ['frozen', { freeze }, frozen],
  // Precedence: each check wins over every later one.
  [
    'not allowed beats everything',
    { deployAllowed: false, approval: rejected, outdated: { latestSuccessfulIid: 42 }, freeze },
    forbidden,
  ],
  [
    'rejection beats outdated and frozen',
    { approval: rejected, outdated: { latestSuccessfulIid: 42 }, freeze },
    rejection,
  ],
  [
    'pending beats outdated and frozen',
    { approval: pending, outdated: { latestSuccessfulIid: 42 }, freeze },
    waiting,
  ],
  ['outdated beats frozen', { outdated: { latestSuccessfulIid: 42 }, freeze }, outdated],
  [
    'outdated beats an overridden freeze',
    { outdated: { latestSuccessfulIid: 42 }, freeze, freezeOverridden: true },
    outdated,
  ],
  [
    'approved but frozen',
    { approval: { state: 'approved', approvedCount: 2, requiredCount: 2 }, freeze },
    frozen,
  ],
];
for (const [what, changes, decision] of table) {
  test(`gate: ${what} → ${decision.kind === 'fail' ? decision.reason : decision.kind}`, () =>
    assert.deepEqual(decideGate({ ...clear, ...changes }), decision));
}

test('the messages name the environment', () => {
  const decision = decideGate({ ...clear, environmentName: 'review/feature-x', deployAllowed: false });
  assert.equal(
    decision.kind === 'fail' && decision.message,
    'you are not allowed to deploy to review/feature-x',
  );
});
