import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import type { MetricSeries } from '../metrics/metric-names.ts';
import { resolutionForRange } from '../metrics/metric-resolution.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import type { EnvironmentMetricRepository } from '../store/repositories/environment-metric-repository.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';

/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 30;
/** The range asked for when none is given: the last hour. */
const DEFAULT_RANGE_MS = 3600 * 1000;
/** Deployment markers shown at most (the latest ones). */
const MAX_MARKERS = 500;
// A date, or a date-time with its zone (without one, the server's own zone would silently apply).
const ISO_8601 = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d))?$/i;

/** `GET /projects/:id/environments/:environment_id/metrics`. */
export interface EnvironmentMetrics {
  resolution_seconds: number;
  from: string;
  to: string;
  series: MetricSeries[];
  deployments: Array<{
    id: number;
    iid: number;
    sha: string;
    status: string;
    created_at: string;
    finished_at: string | null;
    user: { id: number; username: string; name: string } | null;
  }>;
}

/**
 * Who may read an environment's metrics: answers the environment when `actor` may, throws
 * not_found or forbidden otherwise. The one place the graphs' authorization is decided (the
 * server passes the logs check: reporters, or the protected environment's `logs_access` role).
 */
export type EnvironmentReadCheck = (
  actor: Actor,
  ref: string,
  environmentId: number,
) => Promise<EnvironmentRow>;

/**
 * The performance graphs of an environment: every series sampled in a range (the last hour by
 * default, at most {@link MAX_RANGE_DAYS} days) at 10 s resolution for up to a day of recent
 * data, else 5 min, and the deployments that started or finished in it as markers.
 */
export class EnvironmentMetricsService {
  readonly #deps: EnvironmentMetricsServiceDeps;

  constructor(deps: EnvironmentMetricsServiceDeps) {
    this.#deps = deps;
  }

  /**
   * @throws GantryError('validation_failed') when `from` or `to` is not an ISO-8601 date(-time)
   *   with a zone, `from` is not before `to`, or the range is longer than 30 days.
   */
  async read(
    actor: Actor,
    ref: string,
    environmentId: number,
    query: { from?: string | undefined; to?: string | undefined },
  ): Promise<EnvironmentMetrics> {
    const environment = await this.#deps.authorizeRead(actor, ref, environmentId);
    const now = (this.#deps.now ?? (() => new Date()))().getTime();
    const to = instant(query.to, 'to') ?? now;
    const from = instant(query.from, 'from') ?? to - DEFAULT_RANGE_MS;
    if (from >= to) {
      throw invalid('from', `from (${iso(from)}) must be before to (${iso(to)})`);
    }
    if (to - from > MAX_RANGE_DAYS * 24 * 3600 * 1000) {
      throw invalid(
        'from',
        `the range from ${iso(from)} to ${iso(to)} is longer than ${MAX_RANGE_DAYS} days; ask for ${MAX_RANGE_DAYS} days or less at once`,
      );
    }
    const resolution = resolutionForRange(from / 1000, to / 1000, now / 1000);
    const [series, markers] = await Promise.all([
      this.#deps.metrics.read(environment.id, resolution, from / 1000, to / 1000),
      this.#deps.markers.deploymentMarkers(
        environment.project_id,
        environment.id,
        iso(from),
        iso(to),
        MAX_MARKERS,
      ),
    ]);
    return {
      resolution_seconds: resolution.seconds,
      from: iso(from),
      to: iso(to),
      series,
      deployments: markers.map((marker) => ({
        id: marker.id,
        iid: marker.iid,
        sha: marker.sha,
        status: marker.status,
        created_at: marker.created_at,
        finished_at: marker.finished_at,
        user:
          marker.user_id !== null && marker.username !== null
            ? { id: marker.user_id, username: marker.username, name: marker.user_name ?? '' }
            : null,
      })),
    };
  }
}

export interface EnvironmentMetricsServiceDeps {
  authorizeRead: EnvironmentReadCheck;
  metrics: Pick<MetricStore, 'read'>;
  markers: Pick<EnvironmentMetricRepository, 'deploymentMarkers'>;
  now?: () => Date;
}

/** Milliseconds since the epoch of an ISO-8601 query value, or undefined when it was not given. */
function instant(value: string | undefined, field: 'from' | 'to'): number | undefined {
  if (value === undefined) return undefined;
  const time = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw invalid(
      field,
      `${field} "${value}" is not an ISO-8601 date or date-time with a zone, such as 2026-03-01T12:00:00Z`,
    );
  }
  return time;
}

function invalid(field: 'from' | 'to', message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path: `/${field}`, message }]);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
