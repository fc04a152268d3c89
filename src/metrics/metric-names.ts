/** The series an environment's graphs draw: three per container, three for its HTTP endpoint. */
export const METRIC_NAMES = [
  'cpu_cores',
  'memory_bytes',
  'restarts',
  'http_requests_per_second',
  'http_latency_p50_seconds',
  'http_latency_p99_seconds',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** One value of one series at one moment; HTTP series have pod and container "". */
export interface MetricPoint {
  pod: string;
  container: string;
  metric: MetricName;
  value: number;
}

/** A series read back: unix seconds and values, in time order, gaps left out. */
export interface MetricSeries {
  pod: string;
  container: string;
  metric: string;
  t: number[];
  v: number[];
}
