import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricSeries, MetricsDeployment } from '../api/environment-operations-types.ts';
import {
  CHARTS,
  chartData,
  deploymentMarkers,
  formatBytes,
  formatCores,
  formatCount,
  formatRate,
  formatSeconds,
  labelledMarkers,
  latestValues,
  metricsQuery,
  plotRange,
  sampleCount,
  seriesColourVariable,
} from './metrics-chart.ts';

const chart = (key: string) => CHARTS.find((spec) => spec.key === key)!;
const series = (pod: string, container: string, metric: string, t: number[], v: number[]): MetricSeries => ({
  pod,
  container,
  metric,
  t,
  v,
});

test('metricsQuery asks for the range ending now', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  assert.equal(metricsQuery('6h', now), 'from=2026-05-01T06%3A00%3A00.000Z&to=2026-05-01T12%3A00%3A00.000Z');
  assert.equal(metricsQuery('7d', now), 'from=2026-04-24T12%3A00%3A00.000Z&to=2026-05-01T12%3A00%3A00.000Z');
});

test('formatters: binary bytes, Kubernetes-style cores, rates, latencies, counts', () => {
  assert.deepEqual([0, 512, 1536, 123_456_789, 2 * 1024 ** 3].map(formatBytes), [
    '0 B',
    '512 B',
    '1.5 KiB',
    '118 MiB',
    '2 GiB',
  ]);
  assert.deepEqual([0, 0.25, 0.0031, 1, 1.5, 12.3456].map(formatCores), [
    '0',
    '250m',
    '3.1m',
    '1',
    '1.5',
    '12.3',
  ]);
  assert.deepEqual([0.5, 120, 1234.5].map(formatRate), ['0.5/s', '120/s', '1230/s']);
  assert.deepEqual([0, 0.00085, 0.045, 0.2, 1.234].map(formatSeconds), [
    '0 s',
    '850 µs',
    '45 ms',
    '200 ms',
    '1.23 s',
  ]);
  assert.deepEqual([0, 3, 1500, 0.5].map(formatCount), ['0', '3', '1,500', '0.5']);
});

test('chartData: one series per pod/container, on the union of their times', () => {
  const data = chartData(
    [
      series('web-abc', 'app', 'cpu_cores', [100, 110, 120], [0.1, 0.2, 0.3]),
      series('web-abd', 'app', 'cpu_cores', [105, 115], [1, 2]),
      series('web-abc', 'app', 'memory_bytes', [100], [5]),
      series('web-abe', 'app', 'cpu_cores', [], []),
    ],
    chart('cpu'),
    10,
  );
  assert.deepEqual(data.labels, ['abc/app', 'abd/app']);
  assert.deepEqual(data.columns, [
    [100, 105, 110, 115, 120],
    [0.1, undefined, 0.2, undefined, 0.3],
    [undefined, 1, undefined, 2, undefined],
  ]);
});

test('chartData breaks a line where its series has no sample for more than two steps', () => {
  const data = chartData(
    [
      series('p', 'a', 'memory_bytes', [0, 10, 100, 110], [1, 2, 3, 4]),
      series('p', 'b', 'memory_bytes', [0, 10, 20, 30], [5, 6, 7, 8]),
    ],
    chart('memory'),
    10,
  );
  assert.deepEqual(data.labels, ['a', 'b']);
  assert.deepEqual(data.columns, [
    [0, 10, 20, 30, 100, 110],
    [1, 2, null, null, 3, 4],
    [5, 6, 7, 8, undefined, undefined],
  ]);
  const alone = chartData([series('p', 'a', 'memory_bytes', [0, 10, 100], [1, 2, 3])], chart('memory'), 10);
  assert.deepEqual(alone.columns, [
    [0, 10, 20, 100],
    [1, 2, null, 3],
  ]);
});

test('chartData names HTTP series by metric and sorts unsorted samples', () => {
  const data = chartData(
    [
      series('', '', 'http_latency_p99_seconds', [20, 10], [0.9, 0.8]),
      series('', '', 'http_latency_p50_seconds', [10, 20], [0.1, 0.2]),
      series('', '', 'http_requests_per_second', [10], [5]),
    ],
    chart('latency'),
    10,
  );
  assert.deepEqual(data.labels, ['p99', 'p50']);
  assert.deepEqual(data.columns, [
    [10, 20],
    [0.8, 0.9],
    [0.1, 0.2],
  ]);
  assert.deepEqual(chartData([], chart('requests'), 10), { labels: [], columns: [[]] });
});

test('deploymentMarkers: the deployments of the range, oldest first, labelled and toned', () => {
  const deployment = (id: number, status: string, created_at: string): MetricsDeployment => ({
    id,
    iid: id + 10,
    sha: `${id}`.repeat(40),
    status,
    created_at,
    finished_at: null,
    user: null,
  });
  const markers = deploymentMarkers(
    [
      deployment(2, 'failed', '2026-05-01T10:30:00Z'),
      deployment(1, 'success', '2026-05-01T10:10:00Z'),
      deployment(3, 'running', '2026-05-01T09:00:00Z'),
    ],
    Date.parse('2026-05-01T10:00:00Z') / 1000,
    Date.parse('2026-05-01T11:00:00Z') / 1000,
  );
  assert.deepEqual(markers, [
    {
      id: 1,
      x: Date.parse('2026-05-01T10:10:00Z') / 1000,
      label: '#11 11111111',
      status: 'success',
      tone: 'success',
    },
    {
      id: 2,
      x: Date.parse('2026-05-01T10:30:00Z') / 1000,
      label: '#12 22222222',
      status: 'failed',
      tone: 'danger',
    },
  ]);
});

test('labelledMarkers labels the newest marker and older ones that leave room', () => {
  assert.deepEqual([...labelledMarkers([0, 50, 90, 200], 60)].sort(), [0, 2, 3]);
  assert.deepEqual([...labelledMarkers([], 60)], []);
});

test('seriesColourVariable cycles through the palette', () => {
  assert.equal(seriesColourVariable(0), '--chart-0');
  assert.equal(seriesColourVariable(9), '--chart-1');
});

test('latestValues and sampleCount summarise a chart', () => {
  const data = chartData(
    [
      series('p', 'a', 'memory_bytes', [0, 10, 100], [1, 2, 3]),
      series('p', 'b', 'memory_bytes', [0, 10], [5, 6]),
    ],
    chart('memory'),
    10,
  );
  assert.deepEqual(latestValues(data), [3, 6]);
  assert.equal(sampleCount(data), 5);
  assert.deepEqual(latestValues({ labels: ['x'], columns: [[1], [null]] }), [null]);
});

test('plotRange keeps the chosen range unless all points are in its last part', () => {
  assert.deepEqual(plotRange(0, 3600, [], 10), [0, 3600], 'nothing yet: the range chosen');
  assert.deepEqual(plotRange(0, 3600, [100, 3500], 10), [0, 3600], 'points from early on');
  assert.deepEqual(
    plotRange(0, 3600, [3400, 3500, 3300], 10),
    [3270, 3600],
    'from a little before the first',
  );
  assert.deepEqual(plotRange(0, 3600, [3590], 10), [3490, 3600], 'at least ten steps');
  assert.deepEqual(plotRange(3000, 3600, [3010], 10), [3000, 3600], 'never before the range');
});
