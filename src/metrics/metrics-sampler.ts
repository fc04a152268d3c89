import type { ScheduleClock, ScheduleTimer } from '../scheduler/schedule-clock.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { ContainerSample, EnvironmentOperations } from '../targets/environment-operations.ts';
import { type HttpCounters, httpPoints, readHttpCounters } from './http-metrics.ts';
import type { MetricPoint } from './metric-names.ts';
import type { MetricStore } from './metric-store.ts';
import { scrapeMetrics, scrapeUrl } from './metrics-scrape.ts';
import { parsePrometheusText } from './prometheus-text.ts';

/**
 * Opens the target's operations for what runs in an environment now; undefined when nothing
 * there was deployed to a target that can be sampled (Kubernetes, Podman).
 */
export type OpenEnvironmentOperations = (
  environment: EnvironmentRow,
) => Promise<EnvironmentOperations | undefined>;

export interface MetricsSamplerDeps {
  /** The environments that may run something (EnvironmentMetricRepository.listSampled). */
  environments: { listSampled(): Promise<EnvironmentRow[]> };
  store: Pick<MetricStore, 'record' | 'prune'>;
  openOperations: OpenEnvironmentOperations;
  clock: ScheduleClock;
  /** Seconds between rounds (GANTRY_METRICS_INTERVAL_SECONDS); 0 never starts the loop. */
  intervalSeconds: number;
  /** Where failures and recoveries go: once per streak each. */
  log: (message: string) => void;
  /** GETs a metrics exposition ({@link scrapeMetrics} by default). */
  scrape?: (url: URL, signal: AbortSignal) => Promise<string>;
  /** Environments sampled at once (4 by default). */
  concurrency?: number;
  /** How long one environment's target may take to answer (5 s by default). */
  sampleTimeoutMs?: number;
}

/** What the sampler remembers of one environment between rounds. */
interface EnvironmentState {
  /** What has failed since it last worked: logged when it starts failing, and when it works again. */
  failing: Set<string>;
  /** The last scrape, which the next one's rates and latencies are measured against. */
  http: { url: string; atMs: number; counters: HttpCounters } | undefined;
  /** A target still answering a sample that timed out: the environment waits for it. */
  pending: Promise<unknown> | undefined;
}

const PRUNE_EVERY_MS = 3600 * 1000;

/**
 * Samples what environments run, every `intervalSeconds` on the clock's multiples of it: each
 * container's CPU, memory and restarts from its target, and, for an environment with a
 * `metrics_path` and an external URL, its app's HTTP request rate and latency from its Prometheus
 * metrics. Rounds never overlap (a tick that comes while one runs is skipped); environments are
 * sampled a few at once; an environment or target that fails is logged once, skipped, and tried
 * again next round. Once an hour (and in the first round) the store's expired chunks are pruned.
 */
export class MetricsSampler {
  readonly #deps: MetricsSamplerDeps;
  readonly #scrape: (url: URL, signal: AbortSignal) => Promise<string>;
  readonly #stopping = new AbortController();
  readonly #states = new Map<number, EnvironmentState>();
  /** Failures of the rounds themselves (listing, pruning). */
  readonly #failing = new Set<string>();
  #round: Promise<void> | undefined;
  #timer: ScheduleTimer | undefined;
  #stopped = true;
  #lastPruneMs = Number.NEGATIVE_INFINITY;

  constructor(deps: MetricsSamplerDeps) {
    this.#deps = deps;
    this.#scrape = deps.scrape ?? ((url, signal) => scrapeMetrics(url, { signal }));
  }

  /** Arms the first round, unless the interval is 0. */
  start(): void {
    if (this.#deps.intervalSeconds <= 0 || this.#stopping.signal.aborted) return;
    this.#stopped = false;
    this.#arm();
  }

  /** Stops the loop: scrapes under way are aborted, and the round under way finishes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#stopping.abort();
    await this.idle();
  }

  /** Runs one round now, after the one under way if any. */
  async sampleNow(): Promise<void> {
    // Not `await this.idle()`: with no round running, the new one must be under way on return.
    while (this.#round) await this.#round;
    this.#round = this.#sampleAll().finally(() => {
      this.#round = undefined;
    });
    await this.#round;
  }

  /** Resolves when no round is running. */
  async idle(): Promise<void> {
    while (this.#round) await this.#round;
  }

  #arm(): void {
    const periodMs = this.#deps.intervalSeconds * 1000;
    const delay = periodMs - (this.#deps.clock.now().getTime() % periodMs);
    this.#timer = this.#deps.clock.setTimer(delay, () => this.#tick());
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#arm();
    if (!this.#round) void this.sampleNow();
  }

  async #sampleAll(): Promise<void> {
    const now = this.#deps.clock.now();
    const environments = await attempt(
      this.#failing,
      'list',
      'listing the environments to sample',
      this.#deps.log,
      () => this.#deps.environments.listSampled(),
    );
    if (environments) {
      const ids = new Set(environments.map((environment) => environment.id));
      for (const id of this.#states.keys()) if (!ids.has(id)) this.#states.delete(id);
      await forEachLimited(environments, this.#deps.concurrency ?? 4, (environment) =>
        this.#sampleEnvironment(environment, now),
      );
    }
    if (now.getTime() - this.#lastPruneMs >= PRUNE_EVERY_MS) {
      this.#lastPruneMs = now.getTime();
      await attempt(this.#failing, 'prune', 'deleting expired metrics', this.#deps.log, () =>
        this.#deps.store.prune(Math.floor(now.getTime() / 1000)),
      );
    }
  }

  async #sampleEnvironment(environment: EnvironmentRow, now: Date): Promise<void> {
    let state = this.#states.get(environment.id);
    if (!state) {
      state = { failing: new Set(), http: undefined, pending: undefined };
      this.#states.set(environment.id, state);
    }
    const name = `environment ${environment.name} (id ${environment.id})`;
    const log = this.#deps.log;
    const { external_url: externalUrl, metrics_path: metricsPath } = environment;
    if (!externalUrl || !metricsPath) state.http = undefined;
    const [containers, http] = await Promise.all([
      attempt(state.failing, 'target', `sampling the containers of ${name}`, log, () =>
        this.#sampleTarget(environment, state),
      ),
      externalUrl && metricsPath
        ? attempt(state.failing, 'http', `scraping the HTTP metrics of ${name}`, log, () =>
            this.#scrapeHttp(scrapeUrl(externalUrl, metricsPath), now, state),
          )
        : undefined,
    ]);
    const points = [...(containers ?? []), ...(http ?? [])];
    if (points.length === 0) return;
    await attempt(state.failing, 'store', `recording the metrics of ${name}`, log, () =>
      this.#deps.store.record(environment.id, Math.floor(now.getTime() / 1000), points),
    );
  }

  async #sampleTarget(environment: EnvironmentRow, state: EnvironmentState): Promise<MetricPoint[]> {
    if (state.pending) throw new Error('its target has not yet answered an earlier sample');
    const work = (async () => {
      const operations = await this.#deps.openOperations(environment);
      if (!operations) return [];
      try {
        return pointsOf(await operations.sample());
      } finally {
        await operations.close();
      }
    })();
    const timeoutMs = this.#deps.sampleTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        // The target may still answer: until it does, this environment is not sampled again.
        state.pending = work
          .catch(() => {})
          .finally(() => {
            state.pending = undefined;
          });
        reject(new Error(`its target did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #scrapeHttp(url: URL, now: Date, state: EnvironmentState): Promise<MetricPoint[]> {
    const counters = readHttpCounters(parsePrometheusText(await this.#scrape(url, this.#stopping.signal)));
    if (counters.requests === undefined && counters.buckets.length === 0) {
      throw new Error(`${url} serves neither http_requests_total nor http_request_duration_seconds`);
    }
    const previous = state.http?.url === url.href ? state.http : undefined;
    state.http = { url: url.href, atMs: now.getTime(), counters };
    return previous ? httpPoints(previous.counters, counters, (now.getTime() - previous.atMs) / 1000) : [];
  }
}

function pointsOf(samples: readonly ContainerSample[]): MetricPoint[] {
  return samples.flatMap(({ pod, container, cpuCores, memoryBytes, restarts }) => [
    { pod, container, metric: 'cpu_cores', value: cpuCores },
    { pod, container, metric: 'memory_bytes', value: memoryBytes },
    { pod, container, metric: 'restarts', value: restarts },
  ]);
}

/**
 * Runs `work`; a failure is logged when `key` starts failing (not again until it has worked), a
 * success after failures is logged as a recovery. Answers undefined after a failure.
 */
async function attempt<T>(
  failing: Set<string>,
  key: string,
  what: string,
  log: (message: string) => void,
  work: () => Promise<T>,
): Promise<T | undefined> {
  try {
    const result = await work();
    if (failing.delete(key)) log(`metrics: ${what} works again`);
    return result;
  } catch (error) {
    if (!failing.has(key)) {
      failing.add(key);
      log(
        `metrics: ${what} failed (not logged again until it works): ${(error as Error).message ?? String(error)}`,
      );
    }
    return undefined;
  }
}

/** Runs `work` on every item, at most `limit` at once; `work` must not throw. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
