import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Bucket, histogramQuantile } from './histogram-quantile.ts';

const Inf = Number.POSITIVE_INFINITY;
const buckets = (...pairs: Array<[number, number]>): Bucket[] => pairs.map(([le, count]) => ({ le, count }));

test('quantiles interpolate within the bucket the rank falls in, as histogram_quantile does', () => {
  const latency = buckets([0.1, 50], [0.5, 90], [1, 100], [Inf, 100]);
  const cases: Array<{ q: number; buckets: Bucket[]; expected: number }> = [
    // Rank 50 of 100: the end of the first bucket.
    { q: 0.5, buckets: latency, expected: 0.1 },
    // Rank 25: halfway into the first bucket, which starts at 0.
    { q: 0.25, buckets: latency, expected: 0.05 },
    // Rank 70: halfway through the 40 observations between 0.1 and 0.5.
    { q: 0.7, buckets: latency, expected: 0.3 },
    // Rank 99: nine tenths into 0.5…1.
    { q: 0.99, buckets: latency, expected: 0.95 },
    // Ranks in +Inf answer the highest finite bound.
    { q: 0.99, buckets: buckets([0.1, 10], [Inf, 20]), expected: 0.1 },
    // Unsorted input and a non-monotonic count are fixed up first.
    // (rank 3 of 4: the end of the 0.5 bucket, whose 3 also counts for 1).
    { q: 0.75, buckets: buckets([Inf, 4], [1, 2], [0.5, 3]), expected: 0.5 },
    // A first bucket at or below 0 answers its bound.
    { q: 0.1, buckets: buckets([-1, 5], [0, 10], [Inf, 10]), expected: -1 },
  ];
  for (const { q, buckets: input, expected } of cases) {
    assert.ok(Math.abs(histogramQuantile(q, input) - expected) < 1e-12, `q=${q} ${JSON.stringify(input)}`);
  }
});

test('no observations, no +Inf bucket or a single bucket: no quantile', () => {
  for (const input of [
    buckets([0.1, 0], [Inf, 0]),
    buckets([0.1, 5], [1, 9]),
    buckets([Inf, 9]),
    buckets(),
  ]) {
    assert.equal(histogramQuantile(0.5, input), Number.NaN, JSON.stringify(input));
  }
});
