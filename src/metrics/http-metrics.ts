import { type Bucket, histogramQuantile } from './histogram-quantile.ts';
import type { MetricPoint } from './metric-names.ts';
import type { PrometheusSample } from './prometheus-text.ts';

const REQUESTS = 'http_requests_total';
const LATENCY = 'http_request_duration_seconds';

/** What one scrape says about an app's HTTP traffic since it started (cumulative counters). */
export interface HttpCounters {
  /** Requests served, summed over every label set; undefined when the app exposes no count. */
  requests: number | undefined;
  /** The latency histogram's cumulative buckets, summed by bound over label sets; [] without one. */
  buckets: Bucket[];
}

/**
 * The HTTP counters of a scrape: `http_requests_total` summed over its labels (the latency
 * histogram's `_count` when the app has no such counter), and `http_request_duration_seconds`'s
 * buckets summed by `le` (Prometheus' `sum by (le)`). Values that are not finite are ignored.
 */
export function readHttpCounters(samples: readonly PrometheusSample[]): HttpCounters {
  let requests: number | undefined;
  let histogramCount: number | undefined;
  const byBound = new Map<number, number>();
  for (const { name, labels, value } of samples) {
    if (!Number.isFinite(value)) continue;
    if (name === REQUESTS) requests = (requests ?? 0) + value;
    else if (name === `${LATENCY}_count`) histogramCount = (histogramCount ?? 0) + value;
    else if (name === `${LATENCY}_bucket` && labels.le !== undefined) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      if (!Number.isNaN(le) && labels.le !== '') byBound.set(le, (byBound.get(le) ?? 0) + value);
    }
  }
  const buckets = [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return { requests: requests ?? histogramCount, buckets };
}

/**
 * The app-wide HTTP points (pod and container "") of the `seconds` between two scrapes: the
 * request rate, and the median and 99th percentile latency of the requests served in between
 * (none when there were none). A counter lower than before means the app restarted: its value is
 * then what was counted since, as Prometheus' `rate` assumes.
 */
export function httpPoints(previous: HttpCounters, current: HttpCounters, seconds: number): MetricPoint[] {
  if (!(seconds > 0)) return [];
  const point = (metric: MetricPoint['metric'], value: number): MetricPoint => ({
    pod: '',
    container: '',
    metric,
    value,
  });
  const points: MetricPoint[] = [];
  if (previous.requests !== undefined && current.requests !== undefined) {
    points.push(point('http_requests_per_second', increase(previous.requests, current.requests) / seconds));
  }
  const interval = bucketIncrease(previous.buckets, current.buckets);
  for (const [metric, q] of [
    ['http_latency_p50_seconds', 0.5],
    ['http_latency_p99_seconds', 0.99],
  ] as const) {
    const value = histogramQuantile(q, interval);
    if (Number.isFinite(value)) points.push(point(metric, value));
  }
  return points;
}

function increase(before: number, after: number): number {
  return after >= before ? after - before : after;
}

/** The observations between two scrapes, per bucket; all of `after` when any bucket went down. */
function bucketIncrease(before: readonly Bucket[], after: readonly Bucket[]): Bucket[] {
  const earlier = new Map(before.map((bucket) => [bucket.le, bucket.count]));
  const increases = after.map(({ le, count }) => ({ le, count: count - (earlier.get(le) ?? 0) }));
  return increases.some((bucket) => bucket.count < 0) ? [...after] : increases;
}
