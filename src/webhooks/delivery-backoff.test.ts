import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BACKOFF_SECONDS, deliveryOutcome, maxAttempts } from './delivery-backoff.ts';

test('retries with growing waits, then fails after the sixth attempt', () => {
  const table: Array<[number, ReturnType<typeof deliveryOutcome>]> = [
    [1, { status: 'pending', retryInSeconds: 10 }],
    [2, { status: 'pending', retryInSeconds: 30 }],
    [3, { status: 'pending', retryInSeconds: 120 }],
    [4, { status: 'pending', retryInSeconds: 600 }],
    [5, { status: 'pending', retryInSeconds: 3600 }],
    [6, { status: 'failed' }],
  ];
  for (const [attempt, outcome] of table) assert.deepEqual(deliveryOutcome(attempt, false), outcome);
  assert.equal(maxAttempts(), 6);
  assert.equal(maxAttempts(DEFAULT_BACKOFF_SECONDS), 6);
});

test('a success delivers on any attempt, the last included', () => {
  for (const attempt of [1, 3, 6]) assert.deepEqual(deliveryOutcome(attempt, true), { status: 'delivered' });
});

test('a custom schedule sets both the waits and the number of attempts', () => {
  assert.deepEqual(deliveryOutcome(1, false, [0.01, 0.02]), { status: 'pending', retryInSeconds: 0.01 });
  assert.deepEqual(deliveryOutcome(2, false, [0.01, 0.02]), { status: 'pending', retryInSeconds: 0.02 });
  assert.deepEqual(deliveryOutcome(3, false, [0.01, 0.02]), { status: 'failed' });
  assert.deepEqual(deliveryOutcome(1, false, []), { status: 'failed' });
  assert.equal(maxAttempts([]), 1);
});
