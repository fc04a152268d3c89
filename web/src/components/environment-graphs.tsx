import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { ApiError } from '../api/api-error.ts';
import type {
  EnvironmentMetrics,
  EnvironmentOperationsSettings,
} from '../api/environment-operations-types.ts';
import type { EnvironmentDetails } from '../api/environment-types.ts';
import { formatDateTime } from '../lib/format-time.ts';
import {
  CHARTS,
  chartData,
  deploymentMarkers,
  METRIC_RANGES,
  type MetricRange,
  metricsQuery,
  plotRange,
} from '../lib/metrics-chart.ts';
import { statusLabel } from '../lib/status-tone.ts';
import { useProject } from '../project-context.tsx';
import { ErrorMessage } from './error-message.tsx';
import { MetricsChart } from './metrics-chart.tsx';
import { useAction } from './use-action.ts';
import { useVisibleInterval } from './use-visible-interval.ts';

/** The graphs are asked again this often while the page is visible (the sampler's pace). */
const REFRESH_MS = 10_000;

/**
 * `GET …/metrics` for the range ending now, asked again every {@link REFRESH_MS} while the page is
 * visible. What is shown stays while a refetch runs; an answer to an older request (another range)
 * never replaces a newer one.
 */
function useMetrics(path: string, range: MetricRange) {
  const [state, setState] = useState<{ range: MetricRange; data?: EnvironmentMetrics; error?: ApiError }>({
    range,
  });
  const latestRequest = useRef(0);
  const load = useCallback(() => {
    const request = ++latestRequest.current;
    api<EnvironmentMetrics>(`${path}?${metricsQuery(range, Date.now())}`).then(
      (data) => {
        if (request === latestRequest.current) setState({ range, data });
      },
      (error: ApiError) => {
        if (request === latestRequest.current) setState((previous) => ({ ...previous, error }));
      },
    );
  }, [path, range]);
  useEffect(() => {
    load();
    // Unmounted or another range: answers still on their way are ignored.
    return () => {
      latestRequest.current++;
    };
  }, [load]);
  useVisibleInterval(load, REFRESH_MS);
  return state.range === range ? state : { range };
}

/**
 * The environment's performance graphs: CPU and memory per pod/container, restarts, and the HTTP
 * request rate and latency when the app's metrics are scraped, over the range picked, with the
 * deployments of that range marked on the time axis. Maintainers set the app's metrics path here.
 */
export function EnvironmentGraphs({
  environment,
  canConfigure,
  onChanged,
}: {
  environment: EnvironmentDetails & EnvironmentOperationsSettings;
  canConfigure: boolean;
  onChanged: () => void;
}) {
  const { api: projectApi } = useProject();
  const ids = useId();
  const [range, setRange] = useState<MetricRange>('1h');
  const metrics = useMetrics(`${projectApi}/environments/${environment.id}/metrics`, range);
  const view = useMemo(() => {
    const data = metrics.data;
    if (!data) return undefined;
    const to = Date.parse(data.to) / 1000;
    const markers = deploymentMarkers(data.deployments, Date.parse(data.from) / 1000, to);
    // One time axis for every chart, so a moment lines up across them.
    const [from] = plotRange(
      Date.parse(data.from) / 1000,
      to,
      [...data.series.flatMap((series) => series.t), ...markers.map((marker) => marker.x)],
      data.resolution_seconds,
    );
    const charts = CHARTS.map((spec) => ({
      spec,
      data: chartData(data.series, spec, data.resolution_seconds),
    })).filter((chart) => chart.data.labels.length > 0);
    return { from, to, charts, markers, data };
  }, [metrics.data]);

  return (
    <div className="stack env-graphs">
      <div className="row row-spread">
        <fieldset className="fieldset-plain row">
          <legend className="visually-hidden">Time range</legend>
          {METRIC_RANGES.map((choice) => (
            <button
              key={choice.value}
              type="button"
              className="button button-small"
              aria-pressed={choice.value === range}
              onClick={() => setRange(choice.value)}
            >
              {choice.label}
            </button>
          ))}
        </fieldset>
        {view && (
          <span className="muted">
            {view.data.resolution_seconds < 60
              ? `A point every ${view.data.resolution_seconds} s`
              : `${view.data.resolution_seconds / 60}-minute averages`}
            , refreshed every {REFRESH_MS / 1000} s
          </span>
        )}
      </div>
      <ErrorMessage error={metrics.error} />
      {!view ? (
        !metrics.error && (
          <p className="muted" aria-busy="true">
            Loading…
          </p>
        )
      ) : view.charts.length === 0 ? (
        <div className="card empty">
          No samples in this range yet. Gantry samples the environment's containers every few seconds while
          they run; the first points appear shortly after a deployment starts.
        </div>
      ) : (
        <div className="env-graphs-grid">
          {view.charts.map((chart) => (
            <MetricsChart
              key={chart.spec.key}
              title={chart.spec.title}
              data={chart.data}
              format={chart.spec.format}
              markers={view.markers}
              from={view.from}
              to={view.to}
            />
          ))}
        </div>
      )}
      {view && (
        <section aria-labelledby={`${ids}-deployments`}>
          <h3 id={`${ids}-deployments`}>Deployments in this range</h3>
          {view.markers.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul className="env-graphs-deployments">
              {view.markers.map((marker) => (
                <li key={marker.id} className={`env-graphs-marker env-graphs-marker-${marker.tone}`}>
                  <code>{marker.label}</code> {statusLabel(marker.status)},{' '}
                  <time dateTime={new Date(marker.x * 1000).toISOString()}>
                    {formatDateTime(new Date(marker.x * 1000).toISOString())}
                  </time>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {canConfigure && <MetricsPathForm environment={environment} onChanged={onChanged} />}
    </div>
  );
}

/** The path of the app's Prometheus metrics (`PUT …/environments/:environment_id` `{metrics_path}`). */
function MetricsPathForm({
  environment,
  onChanged,
}: {
  environment: EnvironmentDetails & EnvironmentOperationsSettings;
  onChanged: () => void;
}) {
  const { api: projectApi } = useProject();
  const id = useId();
  const current = environment.metrics_path ?? '';
  const [path, setPath] = useState(current);
  useEffect(() => setPath(current), [current]);
  const save = useAction(async () => {
    const trimmed = path.trim();
    await api(`${projectApi}/environments/${environment.id}`, {
      method: 'PUT',
      body: { metrics_path: trimmed === '' ? null : trimmed },
    });
    onChanged();
  });
  return (
    <form
      className="card stack env-graphs-settings"
      aria-label="HTTP metrics"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <h3>HTTP metrics</h3>
      <div className="field">
        <label htmlFor={id}>Metrics path</label>
        <input
          id={id}
          type="text"
          value={path}
          placeholder="/metrics"
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-hint`}
          onChange={(event) => setPath(event.target.value)}
        />
        <span id={`${id}-hint`} className="hint">
          {environment.external_url
            ? `Gantry reads Prometheus text at ${environment.external_url.replace(/\/$/, '')}${path.trim() || '/metrics'} every 10 s (http_requests_total, http_request_duration_seconds). Empty: not scraped.`
            : 'Needs the environment’s URL: Gantry reads Prometheus text at that URL plus this path. Empty: not scraped.'}
        </span>
      </div>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" className="button" disabled={save.busy || path.trim() === current}>
          {save.busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
