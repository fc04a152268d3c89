import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeScheduleClock } from '../../test/support/fake-schedule-clock.ts';
import { environmentRow } from '../../test/support/store-rows.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { ContainerSample, EnvironmentOperations } from '../targets/environment-operations.ts';
import type { MetricPoint } from './metric-names.ts';
import { MetricsSampler, type MetricsSamplerDeps } from './metrics-sampler.ts';

const START = '2026-03-02T10:00:03.000Z';
const at = (iso: string) => Date.parse(iso) / 1000;
const TEN = Date.parse('2026-03-02T10:00:00Z');
/** `seconds` after 10:00:00, as the fake clock takes it. */
const tenPlus = (seconds: number) => new Date(TEN + seconds * 1000).toISOString();
/** Lets every promise the fakes chain settle (they never wait on real timers or I/O). */
const settle = () => new Promise((resolve) => setImmediate(resolve));
/** A promise and the function that settles it. */
function deferred<T = void>() {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Operations whose sample() answers `samples` (or runs `sample`), counting opens and closes. */
function operations(sample: () => Promise<ContainerSample[]>, counts = { open: 0, closed: 0 }) {
  const ops: EnvironmentOperations = {
    containers: async () => [],
    logs: () => {
      throw new Error('not used');
    },
    exec: () => {
      throw new Error('not used');
    },
    sample,
    close: async () => {
      counts.closed++;
    },
  };
  return { ops, counts };
}

const web = (cpuCores: number): ContainerSample => ({
  pod: 'web-1',
  container: 'app',
  cpuCores,
  memoryBytes: 2048,
  restarts: 1,
});

function setup({
  environments = [environmentRow({ id: 5 })],
  ...options
}: Partial<Omit<MetricsSamplerDeps, 'environments'>> & {
  /** What each listing answers: the array as it is then, or what the function answers. */
  environments?: EnvironmentRow[] | (() => Promise<EnvironmentRow[]>);
} = {}) {
  const clock = new FakeScheduleClock(START);
  const recorded: Array<{ environmentId: number; at: number; points: MetricPoint[] }> = [];
  const pruned: number[] = [];
  const logged: string[] = [];
  const sampler = new MetricsSampler({
    environments: {
      listSampled: typeof environments === 'function' ? environments : async () => environments,
    },
    store: {
      record: async (environmentId, time, points) => {
        recorded.push({ environmentId, at: time, points: [...points] });
      },
      prune: async (now) => {
        pruned.push(now);
        return 0;
      },
    },
    openOperations: async () => operations(async () => [web(0.5)]).ops,
    clock,
    intervalSeconds: 10,
    log: (message) => logged.push(message),
    ...options,
  });
  return { clock, sampler, recorded, pruned, logged };
}

test('a sample records CPU, memory and restarts of every container, then closes the operations', async () => {
  const counts = { open: 0, closed: 0 };
  const { sampler, recorded } = setup({
    environments: [environmentRow({ id: 5 }), environmentRow({ id: 6, name: 'static' })],
    openOperations: async (environment) => {
      if (environment.id === 6) return undefined;
      counts.open++;
      return operations(async () => [web(0.25), { ...web(0), pod: 'web-2', memoryBytes: 10 }], counts).ops;
    },
  });
  await sampler.sampleNow();
  const time = at('2026-03-02T10:00:03Z');
  assert.deepEqual(recorded, [
    {
      environmentId: 5,
      at: time,
      points: [
        { pod: 'web-1', container: 'app', metric: 'cpu_cores', value: 0.25 },
        { pod: 'web-1', container: 'app', metric: 'memory_bytes', value: 2048 },
        { pod: 'web-1', container: 'app', metric: 'restarts', value: 1 },
        { pod: 'web-2', container: 'app', metric: 'cpu_cores', value: 0 },
        { pod: 'web-2', container: 'app', metric: 'memory_bytes', value: 10 },
        { pod: 'web-2', container: 'app', metric: 'restarts', value: 1 },
      ],
    },
  ]);
  assert.deepEqual(counts, { open: 1, closed: 1 });
});

test('HTTP metrics: rates and latencies between two scrapes of external URL + metrics path', async () => {
  const scraped: string[] = [];
  let requests = 100;
  const { clock, sampler, recorded, logged } = setup({
    environments: [environmentRow({ id: 5, external_url: 'https://app.example/', metrics_path: '/metrics' })],
    openOperations: async () => undefined,
    scrape: async (url) => {
      scraped.push(url.href);
      return [
        `http_requests_total{code="200"} ${requests}`,
        `http_request_duration_seconds_bucket{le="0.1"} ${requests / 2}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${requests}`,
      ].join('\n');
    },
  });
  await sampler.sampleNow();
  requests = 150;
  clock.set('2026-03-02T10:00:13.000Z');
  await sampler.sampleNow();
  // An app without the HTTP series is a failure: the path is probably not its metrics.
  requests = Number.NaN;
  await sampler.sampleNow();
  assert.deepEqual(logged, [
    'metrics: scraping the HTTP metrics of environment production (id 5) failed (not logged again until it works): https://app.example/metrics serves neither http_requests_total nor http_request_duration_seconds',
  ]);
  assert.deepEqual(scraped, Array(3).fill('https://app.example/metrics'));
  // The first scrape has nothing to compare with.
  assert.deepEqual(recorded, [
    {
      environmentId: 5,
      at: at('2026-03-02T10:00:13Z'),
      points: [
        { pod: '', container: '', metric: 'http_requests_per_second', value: 5 },
        { pod: '', container: '', metric: 'http_latency_p50_seconds', value: 0.1 },
        { pod: '', container: '', metric: 'http_latency_p99_seconds', value: 0.1 },
      ],
    },
  ]);
});

test('a failing target or scrape is logged once per streak and skipped; the others are sampled', async () => {
  let broken = true;
  const { sampler, recorded, logged } = setup({
    environments: [
      environmentRow({ id: 5, name: 'broken', external_url: 'http://app.example', metrics_path: '/m' }),
      environmentRow({ id: 6, name: 'fine' }),
    ],
    openOperations: async (environment) => {
      if (environment.id === 5 && broken) throw new Error('connection refused');
      return operations(async () => [web(1)]).ops;
    },
    scrape: async () => {
      if (broken) throw new Error('GET http://app.example/m answered 503, expected 200');
      return 'http_requests_total 1';
    },
  });
  await sampler.sampleNow();
  await sampler.sampleNow();
  assert.deepEqual(logged.sort(), [
    'metrics: sampling the containers of environment broken (id 5) failed (not logged again until it works): connection refused',
    'metrics: scraping the HTTP metrics of environment broken (id 5) failed (not logged again until it works): GET http://app.example/m answered 503, expected 200',
  ]);
  assert.deepEqual(
    recorded.map((r) => [r.environmentId, r.points.length]),
    [
      [6, 3],
      [6, 3],
    ],
  );
  broken = false;
  logged.length = 0;
  await sampler.sampleNow();
  assert.deepEqual(logged.sort(), [
    'metrics: sampling the containers of environment broken (id 5) works again',
    'metrics: scraping the HTTP metrics of environment broken (id 5) works again',
  ]);
});

test('a target that does not answer is given up on, and not asked again until it has answered', async () => {
  const answer = deferred<ContainerSample[]>();
  const opened = deferred();
  const counts = { open: 0, closed: 0 };
  const { clock, sampler, recorded, logged } = setup({
    openOperations: async () => {
      counts.open++;
      opened.resolve();
      return operations(() => answer.promise, counts).ops;
    },
  });
  const first = sampler.sampleNow();
  await opened.promise;
  clock.set('2026-03-02T10:00:08.000Z');
  await first;
  await sampler.sampleNow();
  assert.equal(counts.open, 1);
  assert.deepEqual(logged, [
    'metrics: sampling the containers of environment production (id 5) failed (not logged again until it works): its target did not answer within 5 s',
  ]);
  answer.resolve([web(1)]);
  await settle();
  assert.equal(counts.closed, 1);
  assert.deepEqual(recorded, []);
});

test('environments are sampled at most four at once', async () => {
  let open = 0;
  let most = 0;
  const environments = Array.from({ length: 10 }, (_, i) => environmentRow({ id: i + 1 }));
  const { sampler, recorded } = setup({
    environments,
    openOperations: async () => {
      open++;
      most = Math.max(most, open);
      await settle();
      return operations(async () => {
        open--;
        return [web(1)];
      }).ops;
    },
  });
  await sampler.sampleNow();
  assert.equal(recorded.length, 10);
  assert.equal(most, 4);
});

test('an environment whose target hangs delays only itself, even with one sample at a time', {
  timeout: 30_000,
}, async () => {
  let hang = deferred<ContainerSample[]>();
  const hanging = environmentRow({ id: 1, name: 'hanging' });
  const opened: string[] = [];
  const { clock, sampler, recorded, logged } = setup({
    concurrency: 1,
    environments: [hanging, environmentRow({ id: 2, name: 'fine' })],
    openOperations: async (environment) => {
      opened.push(`${environment.name} ${clock.now().toISOString().slice(11, 19)}`);
      return operations(async () => (environment.id === 1 ? hang.promise : [web(1)])).ops;
    },
  });
  sampler.start();
  for (let seconds = 10; seconds <= 130; seconds += 5) {
    // It answers (late) at 0:45, long after the sampler gave up on it at 0:15.
    if (seconds === 45) hang.resolve([web(2)]);
    clock.set(tenPlus(seconds));
    await settle();
  }
  // The fine one: every 10 s (the first waited for the hanging one's 5 s), none missed.
  assert.deepEqual(
    recorded.filter((r) => r.environmentId === 2).map((r) => r.at),
    [15, ...Array.from({ length: 12 }, (_, i) => 20 + 10 * i)].map((s) => at(tenPlus(s))),
  );
  // The hanging one: asked once, then (while it still had not answered) not again; backed off
  // 10 s, 20 s, 40 s; at 1:20 it answers and is back to every 10 s.
  assert.deepEqual(
    opened.filter((line) => line.startsWith('hanging')),
    [
      'hanging 10:00:10',
      'hanging 10:01:20',
      'hanging 10:01:30',
      'hanging 10:01:40',
      'hanging 10:01:50',
      'hanging 10:02:00',
      'hanging 10:02:10',
    ],
  );
  assert.deepEqual(
    recorded.filter((r) => r.environmentId === 1).map((r) => r.at),
    [80, 90, 100, 110, 120, 130].map((s) => at(tenPlus(s))),
  );
  assert.deepEqual(logged, [
    'metrics: sampling the containers of environment hanging (id 1) failed (not logged again until it works): its target did not answer within 5 s',
    'metrics: sampling the containers of environment hanging (id 1) works again',
  ]);
  // Stopping does not wait for a target that hangs.
  hang = deferred();
  clock.set(tenPlus(140));
  await settle();
  assert.equal(opened.at(-1), 'hanging 10:02:20');
  await sampler.stop();
  assert.deepEqual(clock.pending(), []);
  assert.equal(logged.length, 2);
});

test('a source that keeps failing backs off to every 5 minutes; the others keep every interval', async () => {
  // The listing answers this array as it is at each tick.
  const environments = [
    environmentRow({ id: 5, name: 'no-app', external_url: 'http://app.example', metrics_path: '/metrics' }),
    environmentRow({ id: 6, name: 'broken', last_deployment_id: 1 }),
  ];
  const scraped: number[] = [];
  const opened: number[] = [];
  let fixed = false;
  const { clock, sampler, recorded } = setup({
    environments,
    openOperations: async (environment) => {
      if (environment.id === 6) {
        opened.push((clock.now().getTime() - TEN) / 1000);
        if (!fixed) throw new Error('connection refused');
      }
      return operations(async () => [web(1)]).ops;
    },
    scrape: async (url) => {
      scraped.push((clock.now().getTime() - TEN) / 1000);
      if (url.hostname === 'app.example') throw new Error('did not answer within 2 s');
      return 'http_requests_total 1';
    },
  });
  sampler.start();
  const tick = async (seconds: number) => {
    clock.set(tenPlus(seconds));
    await settle();
  };
  for (let seconds = 10; seconds <= 1250; seconds += 10) await tick(seconds);
  const backoff = [10, 20, 40, 80, 160, 320, 620, 920, 1220];
  assert.deepEqual(opened, backoff);
  assert.deepEqual(scraped, backoff);
  // no-app's containers are sampled every 10 s all along; broken's never worked.
  const noApp = recorded.filter((r) => r.environmentId === 5).map((r) => r.at - TEN / 1000);
  assert.deepEqual(
    noApp,
    Array.from({ length: 125 }, (_, i) => 10 + 10 * i),
  );
  assert.equal(recorded.length, 125);

  // A new deployment is sampled at once, whatever the backoff, and again when it succeeds; so is
  // a changed metrics URL.
  environments[1] = { ...environments[1]!, last_deployment_id: 2 };
  environments[0] = { ...environments[0]!, external_url: 'http://app.test' };
  await tick(1260);
  fixed = true;
  environments[1] = { ...environments[1]!, last_success_deployment_id: 2 };
  for (const seconds of [1270, 1280]) await tick(seconds);
  assert.deepEqual(opened.slice(backoff.length), [1260, 1270, 1280]);
  assert.deepEqual(scraped.slice(backoff.length), [1260, 1270, 1280]);
  await sampler.stop();
});

test('ticks come on multiples of the interval; a slow listing does not hold back known environments; expired chunks are pruned hourly', async () => {
  const slow = deferred();
  let lists = 0;
  const { clock, sampler, pruned, recorded } = setup({
    environments: async () => {
      if (++lists === 2) await slow.promise;
      return [environmentRow({ id: 5 })];
    },
  });
  sampler.start();
  assert.deepEqual(clock.pending(), ['2026-03-02T10:00:10.000Z']);
  const tick = async (iso: string) => {
    clock.set(iso);
    await settle();
  };
  await tick(tenPlus(10));
  assert.deepEqual(pruned, [at(tenPlus(10))]);
  // The second listing hangs: the environment it listed before is sampled at the next tick anyway.
  await tick(tenPlus(20));
  await tick(tenPlus(30));
  assert.equal(lists, 2);
  slow.resolve();
  await settle();
  await tick(tenPlus(40));
  assert.equal(lists, 3);
  assert.deepEqual(
    recorded.map((r) => r.at),
    [10, 30, 40].map((s) => at(tenPlus(s))),
  );
  assert.deepEqual(clock.pending(), [tenPlus(50)]);
  // Pruning waits an hour from the last time.
  await tick('2026-03-02T11:00:10.000Z');
  assert.deepEqual(pruned, [at(tenPlus(10)), at('2026-03-02T11:00:10Z')]);
  await sampler.stop();
  assert.deepEqual(clock.pending(), []);
});

test('an interval of 0 never starts the loop', () => {
  const { clock, sampler } = setup({ intervalSeconds: 0 });
  sampler.start();
  assert.deepEqual(clock.pending(), []);
});
