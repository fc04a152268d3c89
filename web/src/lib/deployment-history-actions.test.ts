import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyActions, isReapplicable } from './deployment-history-actions.ts';

const script = { kind: 'script' };

test('only successful starts with a job snapshot can be applied again', () => {
  assert.equal(isReapplicable({ id: 1, status: 'success', action: 'start', snapshot: script }), true);
  assert.equal(isReapplicable({ id: 1, status: 'success', snapshot: { kind: 'kubernetes' } }), true);
  assert.equal(isReapplicable({ id: 1, status: 'success', snapshot: { kind: 'podman' } }), true);
  assert.equal(isReapplicable({ id: 1, status: 'failed', action: 'start', snapshot: script }), false);
  assert.equal(isReapplicable({ id: 1, status: 'success', action: 'stop', snapshot: script }), false);
  assert.equal(isReapplicable({ id: 1, status: 'success', snapshot: { kind: 'external' } }), false);
  assert.equal(isReapplicable({ id: 1, status: 'success', snapshot: null }), false);
});

test('the current deployment is re-deployed, earlier ones rolled back to', () => {
  const row = (id: number, status = 'success') => ({ id, status, action: 'start', snapshot: script });
  assert.deepEqual(historyActions(row(5), 5), { rollback: false, redeploy: true });
  assert.deepEqual(historyActions(row(4), 5), { rollback: true, redeploy: false });
  assert.deepEqual(historyActions(row(4), null), { rollback: true, redeploy: false });
  assert.deepEqual(historyActions(row(6, 'running'), 5), { rollback: false, redeploy: false });
});
