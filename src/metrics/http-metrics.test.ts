import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HttpCounters, httpPoints, readHttpCounters } from './http-metrics.ts';
import type { MetricPoint } from './metric-names.ts';
import { parsePrometheusText } from './prometheus-text.ts';

const Inf = Number.POSITIVE_INFINITY;

test('counters are summed over label sets, buckets by bound', () => {
  const cases: Array<{ text: string; expected: HttpCounters }> = [
    {
      text: [
        'http_requests_total{code="200"} 10',
        'http_requests_total{code="500"} 2',
        'http_request_duration_seconds_bucket{route="/a",le="0.1"} 4',
        'http_request_duration_seconds_bucket{route="/b",le="0.1"} 1',
        'http_request_duration_seconds_bucket{route="/a",le="+Inf"} 9',
        'http_request_duration_seconds_bucket{route="/b",le="+Inf"} 3',
        'http_request_duration_seconds_count 12',
        'other_total 99',
      ].join('\n'),
      expected: {
        requests: 12,
        buckets: [
          { le: 0.1, count: 5 },
          { le: Inf, count: 12 },
        ],
      },
    },
    // Without http_requests_total, the histogram's count counts the requests.
    {
      text: 'http_request_duration_seconds_count{route="/a"} 7\nhttp_request_duration_seconds_count 1',
      expected: { requests: 8, buckets: [] },
    },
    { text: 'process_cpu_seconds_total 3', expected: { requests: undefined, buckets: [] } },
    // Values that are not numbers, and bounds that are not, are left out.
    {
      text: 'http_requests_total NaN\nhttp_request_duration_seconds_bucket{le="x"} 3',
      expected: { requests: undefined, buckets: [] },
    },
  ];
  for (const { text, expected } of cases)
    assert.deepEqual(readHttpCounters(parsePrometheusText(text)), expected);
});

test('points of an interval: request rate and latency quantiles of the requests in it', () => {
  const counters = (requests: number | undefined, ...pairs: Array<[number, number]>): HttpCounters => ({
    requests,
    buckets: pairs.map(([le, count]) => ({ le, count })),
  });
  const point = (metric: MetricPoint['metric'], value: number): MetricPoint => ({
    pod: '',
    container: '',
    metric,
    value,
  });
  const cases: Array<{
    name: string;
    before: HttpCounters;
    after: HttpCounters;
    seconds: number;
    expected: MetricPoint[];
  }> = [
    {
      name: 'traffic in both buckets',
      before: counters(100, [0.1, 40], [1, 50], [Inf, 50]),
      after: counters(120, [0.1, 50], [1, 70], [Inf, 70]),
      seconds: 10,
      // 10 of 20 under 0.1 s: the median is 0.1; rank 19.8 is 9.8/10 into 0.1…1.
      expected: [
        point('http_requests_per_second', 2),
        point('http_latency_p50_seconds', 0.1),
        point('http_latency_p99_seconds', 0.1 + 0.9 * 0.98),
      ],
    },
    {
      name: 'no requests: a zero rate, no latency',
      before: counters(5, [0.1, 5], [Inf, 5]),
      after: counters(5, [0.1, 5], [Inf, 5]),
      seconds: 10,
      expected: [point('http_requests_per_second', 0)],
    },
    {
      name: 'the app restarted: counts since then',
      before: counters(500, [0.1, 400], [Inf, 500]),
      after: counters(30, [0.1, 30], [Inf, 30]),
      seconds: 15,
      expected: [
        point('http_requests_per_second', 2),
        point('http_latency_p50_seconds', 0.05),
        point('http_latency_p99_seconds', 0.099),
      ],
    },
    {
      name: 'a bucket that appeared counts from zero',
      before: counters(undefined, [Inf, 4]),
      after: counters(undefined, [0.2, 2], [Inf, 6]),
      seconds: 10,
      expected: [point('http_latency_p50_seconds', 0.1), point('http_latency_p99_seconds', 0.198)],
    },
    { name: 'no time passed', before: counters(1), after: counters(2), seconds: 0, expected: [] },
    { name: 'no counter before', before: counters(undefined), after: counters(2), seconds: 10, expected: [] },
  ];
  for (const { name, before, after, seconds, expected } of cases) {
    const actual = httpPoints(before, after, seconds);
    assert.deepEqual(
      actual.map((p) => p.metric),
      expected.map((p) => p.metric),
      name,
    );
    for (const [i, p] of actual.entries()) assert.ok(Math.abs(p.value - expected[i]!.value) < 1e-12, name);
  }
});
