import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LagHistogram } from './lag-histogram.ts';
import { percentile } from './latency-summary.ts';

test('lags below 0.128 ms are counted exactly, with nearest-rank percentiles', () => {
  const histogram = new LagHistogram();
  for (let micros = 1; micros <= 100; micros++) histogram.record(micros / 1000);
  assert.equal(histogram.count, 100);
  assert.equal(histogram.percentileMs(50), 0.05);
  assert.equal(histogram.percentileMs(99), 0.099);
  assert.equal(histogram.percentileMs(100), 0.1);
  assert.equal(histogram.maxMs, 0.1);
  assert.equal(histogram.minMs, 0.001);
  assert.ok(Math.abs(histogram.meanMs - 0.0505) < 1e-12);
});

test('larger lags are within 1/64 of the exact nearest-rank percentile', () => {
  const histogram = new LagHistogram();
  const samples: number[] = [];
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    // 0.2 ms to ~30 s, spread over many powers of two.
    const ms = 0.2 * Math.exp((seed / 2 ** 31) * 12);
    samples.push(ms);
    histogram.record(ms);
  }
  const sorted = samples.toSorted((a, b) => a - b);
  for (const p of [1, 10, 50, 90, 99, 99.9]) {
    const exact = percentile(sorted, p);
    const approx = histogram.percentileMs(p);
    assert.ok(Math.abs(approx - exact) <= exact / 64, `p${p}: ${approx} vs ${exact}`);
  }
  assert.equal(histogram.maxMs, sorted.at(-1));
  assert.equal(histogram.percentileMs(100), sorted.at(-1));
});

test('a percentile never leaves the exact minimum and maximum', () => {
  const histogram = new LagHistogram();
  histogram.record(1000.3);
  assert.equal(histogram.percentileMs(50), 1000.3);
  assert.deepEqual(histogram.summary(), { n: 1, p50: 1000.3, p99: 1000.3, max: 1000.3 });
});

test('negative lags count as 0 and are reported; hours-long ones keep their exact maximum', () => {
  const histogram = new LagHistogram();
  histogram.record(-2);
  histogram.record(5 * 3_600_000);
  assert.equal(histogram.negative, 1);
  assert.equal(histogram.minMs, 0);
  assert.equal(histogram.maxMs, 5 * 3_600_000);
  assert.equal(histogram.percentileMs(100), 5 * 3_600_000);
});

test('an empty histogram gives NaN', () => {
  const summary = new LagHistogram().summary();
  assert.equal(summary.n, 0);
  assert.ok([summary.p50, summary.p99, summary.max].every(Number.isNaN));
});

test('histograms merge, also through their plain data (as sent between processes)', () => {
  const a = new LagHistogram();
  const b = new LagHistogram();
  for (let i = 1; i <= 50; i++) a.record(i);
  for (let i = 51; i <= 100; i++) b.record(i);
  const merged = LagHistogram.fromData(structuredClone(a.toData()));
  merged.merge(b);
  assert.equal(merged.count, 100);
  assert.equal(merged.minMs, 1);
  assert.equal(merged.maxMs, 100);
  const p50 = merged.percentileMs(50);
  assert.ok(Math.abs(p50 - 50) <= 50 / 64, String(p50));
  const empty = new LagHistogram();
  empty.merge(new LagHistogram());
  assert.ok(Number.isNaN(empty.maxMs));
});
