import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile, summarize } from './latency-summary.ts';

test('percentile takes the nearest rank: the value at ceil(p/100 × n), counting from 1', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(sorted, 50), 5);
  assert.equal(percentile(sorted, 51), 6);
  assert.equal(percentile(sorted, 95), 10);
  assert.equal(percentile(sorted, 10), 1);
  assert.equal(percentile(sorted, 100), 10);
});

test('percentile clamps the rank to the first and last value', () => {
  assert.equal(percentile([3, 8], 0), 3);
  assert.equal(percentile([3, 8], 150), 8);
  assert.equal(percentile([42], 99), 42);
});

test('percentile of no values is NaN', () => {
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('summarize sorts a copy numerically and reports n, p50, p95, p99 and max', () => {
  const samples = [10, 9, 100, 1, 2, 3, 4, 5, 6, 7, 8, 20];
  assert.deepEqual(summarize(samples), { n: 12, p50: 6, p95: 100, p99: 100, max: 100 });
  assert.deepEqual(samples, [10, 9, 100, 1, 2, 3, 4, 5, 6, 7, 8, 20]);
});

test('summarize of 100 samples 1..100 gives each percentile its own value', () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(summarize(samples), { n: 100, p50: 50, p95: 95, p99: 99, max: 100 });
});

test('summarize of no samples is n 0 and NaN elsewhere', () => {
  const summary = summarize([]);
  assert.equal(summary.n, 0);
  for (const value of [summary.p50, summary.p95, summary.p99, summary.max]) assert.ok(Number.isNaN(value));
});
