import type {
  EnvironmentMetricRepository,
  MetricChunkRow,
} from '../store/repositories/environment-metric-repository.ts';
import { decodeChunk, emptyChunk, encodeChunk } from './chunk-encoding.ts';
import { downsampleWindow } from './downsampling.ts';
import type { MetricPoint, MetricSeries } from './metric-names.ts';
import {
  COARSE,
  chunkSeconds,
  FINE,
  FINE_RETENTION_SECONDS,
  lastExpiredChunkStart,
  type Resolution,
  slotOf,
} from './metric-resolution.ts';

const DAY_SECONDS = 24 * 3600;

/**
 * Environments' performance series, stored as chunks (src/metrics/metric-resolution.ts): a point
 * is written into its fine chunk, and the five minutes it falls in are summed up again into the
 * coarse chunk at once, so coarse data is as current as fine data and never needs a catch-up pass.
 * Writers of one environment must not overlap (the sampler never does): a chunk is read, changed
 * and written back.
 */
export class MetricStore {
  readonly #rows: EnvironmentMetricRepository;
  readonly #retentionDays: number;

  constructor(rows: EnvironmentMetricRepository, options: { retentionDays: number }) {
    this.#rows = rows;
    this.#retentionDays = options.retentionDays;
  }

  /**
   * Records the points of one moment (`at`, unix seconds) of one environment. Values that are not
   * finite numbers are left out (JSON cannot carry them; NaN marks gaps).
   */
  async record(environmentId: number, at: number, points: readonly MetricPoint[]): Promise<void> {
    const recorded = points.filter((point) => Number.isFinite(point.value));
    if (recorded.length === 0) return;
    const fine = slotOf(FINE, at);
    const coarse = slotOf(COARSE, at);
    const fineStart = isoOf(fine.chunkStart);
    const coarseStart = isoOf(coarse.chunkStart);
    const existing = await this.#rows.findChunks(environmentId, [
      { resolutionSeconds: FINE.seconds, chunkStart: fineStart },
      { resolutionSeconds: COARSE.seconds, chunkStart: coarseStart },
    ]);
    const stored = new Map(existing.map((row) => [keyOf(row), row.slots]));
    const changed = new Map<string, { row: Omit<MetricChunkRow, 'slots'>; values: Float64Array }>();
    const chunk = (resolution: Resolution, chunkStart: string, point: MetricPoint) => {
      const row = {
        environment_id: environmentId,
        resolution_seconds: resolution.seconds,
        chunk_start: chunkStart,
        pod: point.pod,
        container: point.container,
        metric: point.metric,
      };
      const key = keyOf(row);
      let entry = changed.get(key);
      if (!entry) {
        const slots = stored.get(key);
        const values =
          slots === undefined ? emptyChunk(resolution.slots) : decodeChunk(slots, resolution.slots);
        entry = { row, values };
        changed.set(key, entry);
      }
      return entry.values;
    };
    for (const point of recorded) {
      const fineValues = chunk(FINE, fineStart, point);
      fineValues[fine.slot] = point.value;
      chunk(COARSE, coarseStart, point)[coarse.slot] = downsampleWindow(point.metric, fineValues, fine.slot);
    }
    await this.#rows.saveChunks(
      [...changed.values()].map(({ row, values }) => ({ ...row, slots: encodeChunk(values) })),
    );
  }

  /**
   * Every series of the environment with values from `from` to `to` (unix seconds, inclusive) at
   * `resolution`, sorted by pod, container and metric; a value's time is the start of its slot.
   */
  async read(
    environmentId: number,
    resolution: Resolution,
    from: number,
    to: number,
  ): Promise<MetricSeries[]> {
    const span = chunkSeconds(resolution);
    const chunks = await this.#rows.listChunks(
      environmentId,
      resolution.seconds,
      isoOf(Math.floor(from / span) * span),
      isoOf(Math.floor(to / span) * span),
    );
    const series = new Map<string, MetricSeries>();
    for (const row of chunks) {
      const start = Date.parse(row.chunk_start) / 1000;
      const values = decodeChunk(row.slots, resolution.slots);
      const key = JSON.stringify([row.pod, row.container, row.metric]);
      let entry = series.get(key);
      for (const [slot, value] of values.entries()) {
        const t = start + slot * resolution.seconds;
        if (t < from || t > to || Number.isNaN(value)) continue;
        if (!entry) {
          entry = { pod: row.pod, container: row.container, metric: row.metric, t: [], v: [] };
          series.set(key, entry);
        }
        entry.t.push(t);
        entry.v.push(value);
      }
    }
    return [...series.values()].sort(
      (a, b) => compare(a.pod, b.pod) || compare(a.container, b.container) || compare(a.metric, b.metric),
    );
  }

  /** Deletes fine chunks older than a day and coarse ones older than the retention; returns how many. */
  async prune(now: number): Promise<number> {
    const fine = await this.#rows.deleteExpired(
      FINE.seconds,
      isoOf(lastExpiredChunkStart(FINE, now, FINE_RETENTION_SECONDS)),
    );
    const coarse = await this.#rows.deleteExpired(
      COARSE.seconds,
      isoOf(lastExpiredChunkStart(COARSE, now, this.#retentionDays * DAY_SECONDS)),
    );
    return fine + coarse;
  }
}

function isoOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

function keyOf(row: Pick<MetricChunkRow, 'resolution_seconds' | 'pod' | 'container' | 'metric'>): string {
  return JSON.stringify([row.resolution_seconds, row.pod, row.container, row.metric]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
