import type { ScheduleClock, ScheduleTimer } from '../scheduler/schedule-clock.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { ContainerSample, EnvironmentOperations } from '../targets/environment-operations.ts';
import { type HttpCounters, httpPoints, readHttpCounters } from './http-metrics.ts';
import type { MetricPoint } from './metric-names.ts';
import type { MetricStore } from './metric-store.ts';
import { scrapeMetrics, scrapeUrl } from './metrics-scrape.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import { type Cadence, FRESH_CADENCE, nextCadence } from './sample-cadence.ts';
import { scrapeDenyList } from './scrape-address.ts';

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
  /** Seconds between two samples of an environment (GANTRY_METRICS_INTERVAL_SECONDS); 0 never starts the loop. */
  intervalSeconds: number;
  /** Where failures and recoveries go: once per streak each. */
  log: (message: string) => void;
  /** GETs a metrics exposition ({@link scrapeMetrics} by default, refusing denied addresses). */
  scrape?: (url: URL, signal: AbortSignal) => Promise<string>;
  /** CIDRs the default scrape refuses besides the built-in ones (GANTRY_METRICS_SCRAPE_DENY). */
  scrapeDeny?: readonly string[];
  /** Environments sampled at once (4 by default). */
  concurrency?: number;
  /** How long one environment's target may take to answer (5 s by default). */
  sampleTimeoutMs?: number;
}

/** An environment's target, sampled on its own cadence. */
interface TargetSource {
  cadence: Cadence;
  /** The environment's last deployment and last successful one: a change is sampled at once. */
  deployments: string;
  /** A target still answering a sample given up on: it is not asked again until it answers. */
  pending: Promise<unknown> | undefined;
}

/** An environment's app metrics endpoint, sampled on its own cadence. */
interface HttpSource {
  cadence: Cadence;
  /** What is scraped: when either changes, the source starts afresh. */
  externalUrl: string;
  metricsPath: string;
  /** The last scrape, which the next one's rates and latencies are measured against. */
  last: { atMs: number; counters: HttpCounters } | undefined;
}

/** What the sampler remembers of one environment. */
interface EnvironmentState {
  environment: EnvironmentRow;
  /** What has failed since it last worked: logged when it starts failing, and when it works again. */
  failing: Set<string>;
  target: TargetSource;
  http: HttpSource | undefined;
  /** A sample of it is under way: an environment is never sampled twice at once. */
  busy: boolean;
}

const PRUNE_EVERY_MS = 3600 * 1000;

/**
 * Samples what environments run, each on its own cadence: every `intervalSeconds` (on the clock's
 * multiples of it) each container's CPU, memory and restarts from its target, and, for an
 * environment with a `metrics_path` and an external URL, its app's HTTP request rate and latency
 * from its Prometheus metrics. An environment is never sampled twice at once, and a few are
 * sampled at once in all, those whose sources work first; a source (target or endpoint) that
 * fails is logged once and tried again after 1, 2, 4… intervals, up to 5 minutes, so one that
 * hangs or fails only delays itself. The list of environments is read again on every tick, and
 * once an hour (and on the first tick) the store's expired chunks are pruned.
 */
export class MetricsSampler {
  readonly #deps: MetricsSamplerDeps;
  readonly #scrape: (url: URL, signal: AbortSignal) => Promise<string>;
  /** An interval of 0 only turns the loop off; `sampleNow()` still needs a cadence. */
  readonly #periodMs: number;
  readonly #stopping = new AbortController();
  readonly #states = new Map<number, EnvironmentState>();
  readonly #samples = new Set<Promise<void>>();
  /** Failures of the loop itself (listing, pruning). */
  readonly #failing = new Set<string>();
  #refreshing: Promise<void> | undefined;
  #timer: ScheduleTimer | undefined;
  #stopped = true;
  #lastPruneMs = Number.NEGATIVE_INFINITY;

  constructor(deps: MetricsSamplerDeps) {
    this.#deps = deps;
    this.#periodMs = Math.max(1, deps.intervalSeconds) * 1000;
    const deny = scrapeDenyList(deps.scrapeDeny);
    this.#scrape = deps.scrape ?? ((url, signal) => scrapeMetrics(url, { signal, deny }));
  }

  /** Arms the first tick, unless the interval is 0. */
  start(): void {
    if (this.#deps.intervalSeconds <= 0 || this.#stopping.signal.aborted) return;
    this.#stopped = false;
    this.#arm();
  }

  /**
   * Stops sampling: scrapes under way are aborted, targets that have not answered are given up
   * on, and what is being listed, pruned or recorded finishes.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#stopping.abort();
    await this.idle();
  }

  /**
   * Lists the environments and samples every one of them now, whatever its cadence, after the
   * samples under way; resolves when none is being sampled.
   */
  async sampleNow(): Promise<void> {
    await this.idle();
    await this.#refresh(true);
    await this.idle();
  }

  /** Resolves when nothing is being listed or sampled. */
  async idle(): Promise<void> {
    while (this.#refreshing || this.#samples.size > 0)
      await Promise.all([this.#refreshing, ...this.#samples]);
  }

  #arm(): void {
    const delay = this.#periodMs - (this.#deps.clock.now().getTime() % this.#periodMs);
    this.#timer = this.#deps.clock.setTimer(delay, () => this.#tick());
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#arm();
    // A listing that is slow does not hold back the environments already known.
    if (this.#refreshing) this.#dispatch();
    else void this.#refresh(false);
  }

  #refresh(force: boolean): Promise<void> {
    const refresh: Promise<void> = this.#list(force).finally(() => {
      if (this.#refreshing === refresh) this.#refreshing = undefined;
    });
    this.#refreshing = refresh;
    return refresh;
  }

  /** Reads the environments to sample, starts those due (all of them when `force`d), and prunes hourly. */
  async #list(force: boolean): Promise<void> {
    const nowMs = this.#deps.clock.now().getTime();
    const environments = await this.#attempt(
      this.#failing,
      'list',
      'listing the environments to sample',
      () => this.#deps.environments.listSampled(),
    );
    if (environments) this.#track(environments, force);
    this.#dispatch();
    if (nowMs - this.#lastPruneMs >= PRUNE_EVERY_MS) {
      this.#lastPruneMs = nowMs;
      await this.#attempt(this.#failing, 'prune', 'deleting expired metrics', () =>
        this.#deps.store.prune(Math.floor(nowMs / 1000)),
      );
    }
  }

  #track(environments: readonly EnvironmentRow[], force: boolean): void {
    const ids = new Set(environments.map((environment) => environment.id));
    for (const id of this.#states.keys()) if (!ids.has(id)) this.#states.delete(id);
    for (const environment of environments) {
      let state = this.#states.get(environment.id);
      if (!state) {
        state = {
          environment,
          failing: new Set(),
          target: {
            cadence: FRESH_CADENCE,
            deployments: deploymentsOf(environment),
            pending: undefined,
          },
          http: undefined,
          busy: false,
        };
        this.#states.set(environment.id, state);
      }
      state.environment = environment;
      if (state.target.deployments !== deploymentsOf(environment)) {
        state.target.deployments = deploymentsOf(environment);
        state.target.cadence = FRESH_CADENCE;
      }
      state.http = httpSource(environment, state.http);
      if (force) {
        state.target.cadence = { ...state.target.cadence, dueMs: Number.NEGATIVE_INFINITY };
        if (state.http) state.http.cadence = { ...state.http.cadence, dueMs: Number.NEGATIVE_INFINITY };
      }
    }
  }

  /** Starts the environments that are due, as many as the concurrency allows. */
  #dispatch(): void {
    if (this.#stopping.signal.aborted) return;
    const nowMs = this.#deps.clock.now().getTime();
    const free = (this.#deps.concurrency ?? 4) - this.#samples.size;
    if (free <= 0) return;
    const due = [...this.#states.values()]
      .filter((state) => !state.busy && dueMs(state) <= nowMs)
      .sort(
        (a, b) =>
          failuresDue(a, nowMs) - failuresDue(b, nowMs) ||
          dueMs(a) - dueMs(b) ||
          a.environment.id - b.environment.id,
      );
    for (const state of due.slice(0, free)) {
      state.busy = true;
      const sample: Promise<void> = this.#sample(state).finally(() => {
        state.busy = false;
        this.#samples.delete(sample);
        this.#dispatch();
      });
      this.#samples.add(sample);
    }
  }

  /** Samples the sources of an environment that are due, and records what they answered. */
  async #sample(state: EnvironmentState): Promise<void> {
    const nowMs = this.#deps.clock.now().getTime();
    const { environment, target, http } = state;
    const name = `environment ${environment.name} (id ${environment.id})`;
    const [containers, requests] = await Promise.all([
      this.#sampleSource(state, target, 'target', `sampling the containers of ${name}`, nowMs, () =>
        this.#sampleTarget(environment, target),
      ),
      http &&
        this.#sampleSource(state, http, 'http', `scraping the HTTP metrics of ${name}`, nowMs, () =>
          this.#scrapeHttp(http, nowMs),
        ),
    ]);
    const points = [...(containers ?? []), ...(requests ?? [])];
    if (points.length === 0 || this.#stopping.signal.aborted) return;
    await this.#attempt(state.failing, 'store', `recording the metrics of ${name}`, () =>
      this.#deps.store.record(environment.id, Math.floor(nowMs / 1000), points),
    );
  }

  /** Runs `work` when `source` is due, and moves its cadence on: undefined when not due or failed. */
  async #sampleSource<T>(
    state: EnvironmentState,
    source: { cadence: Cadence },
    key: string,
    what: string,
    nowMs: number,
    work: () => Promise<T>,
  ): Promise<T | undefined> {
    if (source.cadence.dueMs > nowMs) return undefined;
    const result = await this.#attempt(state.failing, key, what, work);
    source.cadence = nextCadence(result !== undefined, source.cadence, nowMs, this.#periodMs);
    return result;
  }

  async #sampleTarget(environment: EnvironmentRow, target: TargetSource): Promise<MetricPoint[]> {
    if (target.pending) throw new Error('its target has not yet answered an earlier sample');
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
    const stopping = this.#stopping.signal;
    let timer: ScheduleTimer | undefined;
    let onStop = () => {};
    const givenUp = new Promise<never>((_resolve, reject) => {
      const giveUp = (reason: string) => {
        // The target may still answer: until it does, this environment's target is not asked again.
        target.pending = work
          .catch(() => {})
          .finally(() => {
            target.pending = undefined;
          });
        reject(new Error(reason));
      };
      timer = this.#deps.clock.setTimer(timeoutMs, () =>
        giveUp(`its target did not answer within ${timeoutMs / 1000} s`),
      );
      onStop = () => giveUp('the sampler stopped');
      if (stopping.aborted) onStop();
      else stopping.addEventListener('abort', onStop, { once: true });
    });
    try {
      return await Promise.race([work, givenUp]);
    } finally {
      timer?.cancel();
      stopping.removeEventListener('abort', onStop);
    }
  }

  async #scrapeHttp(http: HttpSource, nowMs: number): Promise<MetricPoint[]> {
    const url = scrapeUrl(http.externalUrl, http.metricsPath);
    const counters = readHttpCounters(parsePrometheusText(await this.#scrape(url, this.#stopping.signal)));
    if (counters.requests === undefined && counters.buckets.length === 0) {
      throw new Error(`${url} serves neither http_requests_total nor http_request_duration_seconds`);
    }
    const previous = http.last;
    http.last = { atMs: nowMs, counters };
    return previous ? httpPoints(previous.counters, counters, (nowMs - previous.atMs) / 1000) : [];
  }

  /**
   * Runs `work`; a failure is logged when `key` starts failing (not again until it has worked), a
   * success after failures is logged as a recovery, and failures while stopping are not logged.
   * Answers undefined after a failure.
   */
  async #attempt<T>(
    failing: Set<string>,
    key: string,
    what: string,
    work: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      const result = await work();
      if (failing.delete(key)) this.#deps.log(`metrics: ${what} works again`);
      return result;
    } catch (error) {
      if (!failing.has(key) && !this.#stopping.signal.aborted) {
        failing.add(key);
        this.#deps.log(
          `metrics: ${what} failed (not logged again until it works): ${(error as Error).message ?? String(error)}`,
        );
      }
      return undefined;
    }
  }
}

/** The endpoint an environment's app metrics are scraped from, kept while its settings are. */
function httpSource(environment: EnvironmentRow, previous: HttpSource | undefined): HttpSource | undefined {
  const { external_url: externalUrl, metrics_path: metricsPath } = environment;
  if (!externalUrl || !metricsPath) return undefined;
  if (previous?.externalUrl === externalUrl && previous.metricsPath === metricsPath) return previous;
  return { cadence: FRESH_CADENCE, externalUrl, metricsPath, last: undefined };
}

/** What the environment last deployed, and last deployed successfully: the target's backoff ends when it changes. */
function deploymentsOf(environment: EnvironmentRow): string {
  return `${environment.last_deployment_id} ${environment.last_success_deployment_id}`;
}

/** When the first of an environment's sources is due. */
function dueMs(state: EnvironmentState): number {
  return Math.min(state.target.cadence.dueMs, state.http?.cadence.dueMs ?? Number.POSITIVE_INFINITY);
}

/** The longest failure streak among the sources due: environments that work are sampled first. */
function failuresDue(state: EnvironmentState, nowMs: number): number {
  const due = [state.target.cadence, state.http?.cadence].filter(
    (cadence): cadence is Cadence => cadence !== undefined && cadence.dueMs <= nowMs,
  );
  return Math.max(0, ...due.map((cadence) => cadence.failures));
}

function pointsOf(samples: readonly ContainerSample[]): MetricPoint[] {
  return samples.flatMap(({ pod, container, cpuCores, memoryBytes, restarts }) => [
    { pod, container, metric: 'cpu_cores', value: cpuCores },
    { pod, container, metric: 'memory_bytes', value: memoryBytes },
    { pod, container, metric: 'restarts', value: restarts },
  ]);
}
