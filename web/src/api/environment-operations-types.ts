/**
 * The shapes of the environment operations the UI reads from `/api/v1` (docs/api.md, "Environment
 * operations"): containers, log events, shell messages and sessions, metrics, and the settings
 * that govern them.
 */

/** One container of `GET …/environments/:environment_id/containers`. */
export interface EnvironmentContainer {
  pod: string;
  container: string;
  /** `running`, `waiting`, `terminated`, … as the target reports it. */
  state: string;
  restarts: number;
  /** Whether the log of its previous instance (before a crash or restart) can be read. */
  has_previous: boolean;
}

/** `GET …/environments/:environment_id/containers`. */
export interface EnvironmentContainers {
  deployment_id: number | null;
  target_kind: 'kubernetes' | 'podman' | null;
  containers: EnvironmentContainer[];
}

/** The data of a `logs` event of `GET …/logs`: lines of one source, each `<RFC 3339 time> <text>`. */
export interface LogsEventData {
  /** `<pod>/<container>`. */
  source: string;
  lines: string[];
}

/** A text frame of `GET …/shell` (WebSocket). */
export type ShellServerMessage =
  | { type: 'started'; session_id: number; pod: string; container: string }
  | {
      type: 'exit';
      exit_code: number | null;
      reason: 'exited' | 'idle' | 'closed' | 'error';
      message?: string;
    };

/** An entry of `GET …/shell_sessions` (the audit record of one shell). */
export interface ShellSessionRecord {
  id: number;
  user: { id: number; username: string; name: string };
  pod: string;
  container: string;
  command: string[];
  started_at: string;
  ended_at: string | null;
  duration_seconds: number | null;
  exit_code: number | null;
  end_reason: string | null;
}

export type MetricName =
  | 'cpu_cores'
  | 'memory_bytes'
  | 'restarts'
  | 'http_requests_per_second'
  | 'http_latency_p50_seconds'
  | 'http_latency_p99_seconds';

/** One series of `GET …/metrics`: `t` (unix seconds) and `v` of equal length. */
export interface MetricSeries {
  /** Empty for the environment's HTTP metrics (the app as a whole). */
  pod: string;
  container: string;
  metric: MetricName | string;
  t: number[];
  v: number[];
}

/** A deployment of the metrics' window, for the markers on the time axis. */
export interface MetricsDeployment {
  id: number;
  iid: number;
  sha: string;
  status: string;
  created_at: string;
  finished_at: string | null;
  user: { id: number; username: string; name: string } | null;
}

/** `GET …/environments/:environment_id/metrics`. */
export interface EnvironmentMetrics {
  resolution_seconds: number;
  from: string;
  to: string;
  series: MetricSeries[];
  deployments: MetricsDeployment[];
}

/** Who may open a shell in the project's environments (`shell_access` of `GET /projects/:id`). */
export type ShellAccess = 'maintainer' | 'developer';

/** The least role that may read an environment's logs, containers and metrics. */
export type LogsAccess = 'reporter' | 'developer' | 'maintainer';

/** The project fields of issue 8 (`GET /projects/:id`). */
export interface ProjectOperationsSettings {
  shell_access?: ShellAccess;
}

/** The protected-environment fields of issue 8. */
export interface ProtectedEnvironmentOperations {
  shell_enabled?: boolean;
  logs_access?: LogsAccess;
}

/** The environment field of issue 8 (`GET …/environments/:environment_id`). */
export interface EnvironmentOperationsSettings {
  /** Where the app serves Prometheus text, scraped at the environment's URL + this path. */
  metrics_path?: string | null;
}
