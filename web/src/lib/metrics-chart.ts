import type { MetricName, MetricSeries, MetricsDeployment } from '../api/environment-operations-types.ts';
import { sourceLabels } from './environment-log.ts';
import { shortSha } from './short-sha.ts';
import { statusTone, type Tone } from './status-tone.ts';

/**
 * The environment graphs' logic (`GET …/environments/:environment_id/metrics`): which charts there
 * are, series aligned on one time axis the way uPlot draws them, the deployment markers, and how
 * values read.
 */

/** The time ranges a reader can pick. */
export const METRIC_RANGES = [
  { value: '1h', label: 'Last hour', seconds: 60 * 60 },
  { value: '6h', label: 'Last 6 hours', seconds: 6 * 60 * 60 },
  { value: '24h', label: 'Last 24 hours', seconds: 24 * 60 * 60 },
  { value: '7d', label: 'Last 7 days', seconds: 7 * 24 * 60 * 60 },
] as const;

export type MetricRange = (typeof METRIC_RANGES)[number]['value'];

/** The query of `GET …/metrics` for the `range` ending at `now` (milliseconds). */
export function metricsQuery(range: MetricRange, now: number): string {
  const seconds = METRIC_RANGES.find((choice) => choice.value === range)?.seconds ?? 3600;
  const params = new URLSearchParams({
    from: new Date(now - seconds * 1000).toISOString(),
    to: new Date(now).toISOString(),
  });
  return params.toString();
}

const significant = (value: number, digits = 3) => Number(value.toPrecision(digits)).toString();

/** Memory: `0 B`, `512 B`, `1.5 KiB`, `118 MiB`, `2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes < 0 ? '-' : ''}${unit === 0 ? Math.round(value) : significant(value)} ${units[unit]}`;
}

/** CPU in cores as Kubernetes writes it: `250m` below one core, `1.5` above. */
export function formatCores(cores: number): string {
  if (cores === 0) return '0';
  if (Math.abs(cores) < 1) return `${significant(cores * 1000)}m`;
  return significant(cores);
}

/** Requests a second: `0.5/s`, `120/s`. */
export function formatRate(perSecond: number): string {
  return `${significant(perSecond)}/s`;
}

/** A latency: `850 µs`, `45 ms`, `1.2 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0 s';
  if (Math.abs(seconds) < 0.001) return `${significant(seconds * 1_000_000)} µs`;
  if (Math.abs(seconds) < 1) return `${significant(seconds * 1000)} ms`;
  return `${significant(seconds)} s`;
}

/** A count (restarts). */
export function formatCount(count: number): string {
  return Number.isInteger(count) ? count.toLocaleString('en-US') : significant(count);
}

/** One chart of the graphs: the metrics it draws and how their values read. */
export interface ChartSpec {
  key: string;
  title: string;
  metrics: readonly MetricName[];
  format: (value: number) => string;
}

/** The charts, in the order shown; a chart without series is left out. */
export const CHARTS: readonly ChartSpec[] = [
  { key: 'cpu', title: 'CPU (cores, 1000m = 1 core)', metrics: ['cpu_cores'], format: formatCores },
  { key: 'memory', title: 'Memory', metrics: ['memory_bytes'], format: formatBytes },
  { key: 'restarts', title: 'Restarts', metrics: ['restarts'], format: formatCount },
  { key: 'requests', title: 'HTTP requests', metrics: ['http_requests_per_second'], format: formatRate },
  {
    key: 'latency',
    title: 'HTTP latency',
    metrics: ['http_latency_p50_seconds', 'http_latency_p99_seconds'],
    format: formatSeconds,
  },
];

const METRIC_LABELS: Record<string, string> = {
  http_requests_per_second: 'requests',
  http_latency_p50_seconds: 'p50',
  http_latency_p99_seconds: 'p99',
};

/**
 * Columns in uPlot's layout: the x values (unix seconds, ascending) and one array per series.
 * `undefined` where a series has no sample but goes on (drawn across), `null` where it stopped.
 */
export type ChartColumns = [number[], ...(number | null | undefined)[][]];

/** A chart's series, aligned: their labels and the columns to draw. */
export interface ChartData {
  labels: string[];
  columns: ChartColumns;
}

/**
 * The series of `spec` aligned on one time axis, one per pod/container (or per HTTP metric),
 * labelled as briefly as tells them apart. Samples of different series rarely share instants, so
 * the axis is the union of their times: a series without a sample at an instant between two of its
 * own is drawn straight across it; where a series has no sample for more than two resolution
 * steps (the container was not running, sampling stopped) its line breaks.
 */
export function chartData(
  series: readonly MetricSeries[],
  spec: ChartSpec,
  resolutionSeconds: number,
): ChartData {
  const chosen = series
    .filter((one) => spec.metrics.includes(one.metric as MetricName) && one.t.length > 0)
    .map((one) => {
      // Defensive: the API sends times ascending, but a chart drawn from unsorted ones is nonsense.
      const order = one.t.map((_, index) => index).sort((a, b) => one.t[a]! - one.t[b]!);
      return { ...one, t: order.map((index) => one.t[index]!), v: order.map((index) => one.v[index]!) };
    });
  const sources = sourceLabels(
    chosen.filter((one) => one.pod || one.container).map((one) => `${one.pod}/${one.container}`),
  );
  const labels = chosen.map((one) => {
    const metric =
      spec.metrics.length > 1 || !(one.pod || one.container) ? (METRIC_LABELS[one.metric] ?? one.metric) : '';
    const source = one.pod || one.container ? sources.get(`${one.pod}/${one.container}`)! : '';
    return [source, metric].filter(Boolean).join(' ');
  });
  const maxGap = 2 * resolutionSeconds;
  const times = new Set<number>();
  for (const one of chosen) {
    one.t.forEach((time, index) => {
      times.add(time);
      // A point inside a long gap, so the line breaks there even when no other series has one.
      const next = one.t[index + 1];
      if (next !== undefined && next - time > maxGap) times.add(time + resolutionSeconds);
    });
  }
  const xs = [...times].sort((a, b) => a - b);
  const columns: ChartColumns = [xs];
  for (const one of chosen) {
    const values = new Map(one.t.map((time, index) => [time, one.v[index]!]));
    let next = 0;
    columns.push(
      xs.map((x) => {
        const value = values.get(x);
        if (value !== undefined) return value;
        while (next < one.t.length && one.t[next]! < x) next++;
        const after = one.t[next];
        const before = one.t[next - 1];
        if (after === undefined || before === undefined) return undefined;
        return after - before > maxGap ? null : undefined;
      }),
    );
  }
  return { labels, columns };
}

/**
 * The time axis to draw, `[start, to]` in unix seconds: the range chosen, or, when every sample and
 * marker is in its last part (an environment deployed minutes ago viewed over a day), from a little
 * before the earliest of them, so the points are not a sliver at the right edge. Never less than
 * ten resolution steps, so a first sample is not stretched across the chart.
 */
export function plotRange(
  from: number,
  to: number,
  times: readonly number[],
  resolutionSeconds: number,
): [number, number] {
  let earliest = Number.POSITIVE_INFINITY;
  for (const time of times) if (time < earliest) earliest = time;
  if (!Number.isFinite(earliest) || earliest <= from) return [from, to];
  const span = Math.max(to - earliest, 10 * resolutionSeconds);
  return [Math.max(from, to - span * 1.1), to];
}

/** A deployment drawn on the time axis. */
export interface DeploymentMarker {
  id: number;
  /** Unix seconds. */
  x: number;
  /** `#12 a1b2c3d4`. */
  label: string;
  status: string;
  tone: Tone;
}

/** The deployments created within `[from, to]` (unix seconds) as markers, oldest first. */
export function deploymentMarkers(
  deployments: readonly MetricsDeployment[],
  from: number,
  to: number,
): DeploymentMarker[] {
  return deployments
    .map((deployment) => ({
      id: deployment.id,
      x: Date.parse(deployment.created_at) / 1000,
      label: `#${deployment.iid} ${shortSha(deployment.sha)}`,
      status: deployment.status,
      tone: statusTone(deployment.status),
    }))
    .filter((marker) => Number.isFinite(marker.x) && marker.x >= from && marker.x <= to)
    .sort((a, b) => a.x - b.x);
}

/**
 * Which markers at pixel positions `xs` (ascending) get their label, when a label needs `width`
 * pixels: the newest first, then each older one that does not overlap the last labelled.
 */
export function labelledMarkers(xs: readonly number[], width: number): Set<number> {
  const labelled = new Set<number>();
  let left = Number.POSITIVE_INFINITY;
  for (let index = xs.length - 1; index >= 0; index--) {
    if (xs[index]! + width <= left) {
      labelled.add(index);
      left = xs[index]!;
    }
  }
  return labelled;
}

/** Colours series take, in order (`--chart-<n>` in environment-operations.css). */
export const SERIES_COLOURS = 8;

/** The CSS variable holding series `index`'s colour. */
export function seriesColourVariable(index: number): string {
  return `--chart-${index % SERIES_COLOURS}`;
}

/** Each series' newest value (null when it has none), for the chart's summary. */
export function latestValues({ columns }: ChartData): (number | null)[] {
  return columns.slice(1).map((column) => {
    for (let index = column.length - 1; index >= 0; index--) {
      const value = column[index];
      if (typeof value === 'number') return value;
    }
    return null;
  });
}

/** How many samples a chart draws (all series). */
export function sampleCount({ columns }: ChartData): number {
  return columns
    .slice(1)
    .reduce((sum, column) => sum + column.filter((value) => typeof value === 'number').length, 0);
}
