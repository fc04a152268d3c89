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
}: Partial<Omit<MetricsSamplerDeps, 'environments'>> & { environments?: EnvironmentRow[] } = {}) {
  const clock = new FakeScheduleClock(START);
  const recorded: Array<{ environmentId: number; at: number; points: MetricPoint[] }> = [];
  const pruned: number[] = [];
  const logged: string[] = [];
  const sampler = new MetricsSampler({
    environments: { listSampled: async () => environments },
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

test('a round records CPU, memory and restarts of every container, then closes the operations', async () => {
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
  let answer: (samples: ContainerSample[]) => void = () => {};
  const counts = { open: 0, closed: 0 };
  const { sampler, recorded, logged } = setup({
    sampleTimeoutMs: 1,
    openOperations: async () => {
      counts.open++;
      return operations(() => new Promise((resolve) => (answer = resolve)), counts).ops;
    },
  });
  await sampler.sampleNow();
  await sampler.sampleNow();
  assert.equal(counts.open, 1);
  assert.deepEqual(logged, [
    'metrics: sampling the containers of environment production (id 5) failed (not logged again until it works): its target did not answer within 0.001 s',
  ]);
  answer([web(1)]);
  await new Promise((resolve) => setImmediate(resolve));
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
      await new Promise((resolve) => setImmediate(resolve));
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

test('rounds run on multiples of the interval, never overlap, and stop; expired chunks pruned hourly', async () => {
  let release: () => void = () => {};
  let entered: () => void = () => {};
  const secondRound = new Promise<void>((resolve) => (entered = resolve));
  let rounds = 0;
  const { clock, sampler, pruned } = setup({
    openOperations: async () => {
      rounds++;
      if (rounds === 2) {
        entered();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return undefined;
    },
  });
  sampler.start();
  assert.deepEqual(clock.pending(), ['2026-03-02T10:00:10.000Z']);
  clock.set('2026-03-02T10:00:10.000Z');
  await sampler.idle();
  assert.equal(rounds, 1);
  assert.deepEqual(pruned, [at('2026-03-02T10:00:10Z')]);
  // The second round hangs on its target; the tick that comes meanwhile is skipped.
  clock.set('2026-03-02T10:00:20.000Z');
  await secondRound;
  clock.set('2026-03-02T10:00:30.000Z');
  release();
  await sampler.idle();
  assert.equal(rounds, 2);
  assert.deepEqual(clock.pending(), ['2026-03-02T10:00:40.000Z']);
  // Pruning waits an hour from the last time.
  clock.set('2026-03-02T11:00:10.000Z');
  await sampler.idle();
  assert.deepEqual(pruned, [at('2026-03-02T10:00:10Z'), at('2026-03-02T11:00:10Z')]);
  await sampler.stop();
  assert.deepEqual(clock.pending(), []);
});

test('an interval of 0 never starts the loop', () => {
  const { clock, sampler } = setup({ intervalSeconds: 0 });
  sampler.start();
  assert.deepEqual(clock.pending(), []);
});
