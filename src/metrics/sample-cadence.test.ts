import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Cadence, FRESH_CADENCE, nextCadence } from './sample-cadence.ts';

const S = 1000;

test('successes keep the interval, on its multiples', () => {
  const cases: Array<{ name: string; start: number; period: number; expected: number }> = [
    { name: 'on time', start: 20 * S, period: 10 * S, expected: 30 * S },
    { name: 'a late start stays on the grid', start: 27 * S, period: 10 * S, expected: 30 * S },
    { name: 'one second interval', start: 5500, period: S, expected: 6 * S },
  ];
  for (const { name, start, period, expected } of cases) {
    assert.deepEqual(nextCadence(true, FRESH_CADENCE, start, period), { dueMs: expected, failures: 0 }, name);
  }
  // A success ends a streak of failures.
  assert.deepEqual(nextCadence(true, { dueMs: 0, failures: 7 }, 100 * S, 10 * S), {
    dueMs: 110 * S,
    failures: 0,
  });
});

test('failures in a row back off exponentially up to 5 minutes', () => {
  const tries: number[] = [];
  let cadence: Cadence = { dueMs: 10 * S, failures: 0 };
  for (let i = 0; i < 9; i++) {
    tries.push(cadence.dueMs / S);
    cadence = nextCadence(false, cadence, cadence.dueMs, 10 * S);
  }
  assert.deepEqual(tries, [10, 20, 40, 80, 160, 320, 620, 920, 1220]);
  assert.equal(cadence.failures, 9);
  // An interval longer than the cap still waits one interval; one that does not divide it, less.
  assert.equal(nextCadence(false, { dueMs: 0, failures: 12 }, 0, 3600 * S).dueMs, 3600 * S);
  assert.equal(nextCadence(false, { dueMs: 0, failures: 12 }, 0, 7 * S).dueMs, 294 * S);
  // Very long streaks do not overflow.
  assert.equal(nextCadence(false, { dueMs: 0, failures: 5000 }, 0, 10 * S).dueMs, 300 * S);
});
