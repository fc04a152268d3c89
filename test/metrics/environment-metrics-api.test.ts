import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { MetricSeries } from '../../src/metrics/metric-names.ts';
import { MetricStore } from '../../src/metrics/metric-store.ts';
import { MetricsSampler } from '../../src/metrics/metrics-sampler.ts';
import type { EnvironmentMetrics } from '../../src/services/environment-metrics-service.ts';
import { EnvironmentMetricRepository } from '../../src/store/repositories/environment-metric-repository.ts';
import type { ContainerSample, EnvironmentOperations } from '../../src/targets/environment-operations.ts';
import { recordDeployment } from '../support/deployment-rows.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { FakeScheduleClock } from '../support/fake-schedule-clock.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

// The graphs' data end to end: a sampler (the server's own is off) samples a fake target and a
// real HTTP endpoint serving Prometheus text into the server's database, and the API reads the
// series back at 10 s and 5 min, with the environment's deployment as a marker; who may read them.

/** An app's metrics endpoint whose counters the test moves on. */
class FakeApp {
  requests = 0;
  readonly #server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') return void response.writeHead(404).end();
    response.setHeader('content-type', 'text/plain; version=0.0.4');
    response.end(
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{code="200"} ${this.requests * 0.9}`,
        `http_requests_total{code="500"} ${this.requests * 0.1}`,
        '# TYPE http_request_duration_seconds histogram',
        `http_request_duration_seconds_bucket{le="0.05"} ${this.requests / 2}`,
        `http_request_duration_seconds_bucket{le="0.5"} ${this.requests}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${this.requests}`,
        `http_request_duration_seconds_count ${this.requests}`,
        '',
      ].join('\n'),
    );
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): void {
    this.#server.closeAllConnections();
    this.#server.close();
  }
}

/** Operations of one pod whose samples come from `next`. */
function fakeOperations(next: () => ContainerSample): EnvironmentOperations {
  const unused = () => {
    throw new Error('not sampled');
  };
  return {
    containers: unused,
    logs: unused,
    exec: unused,
    sample: async () => [next()],
    close: async () => {},
  };
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

for (const dialect of DIALECTS) {
  describe(`environment metrics API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let app: FakeApp;
    let path: string;
    let reporter: string;
    let developer: string;
    let deploymentId: number;
    // The last hour boundary: the samples straddle it, so they span two fine chunks.
    const hour = Math.floor(Date.now() / 3_600_000) * 3600;
    const times = [hour - 10, hour, hour + 10];

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_METRICS_INTERVAL_SECONDS: '0' } });
      app = new FakeApp();
      const appUrl = await app.start();
      const project = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'graphs/app' } });
      const environment = await t.api<{ id: number }>('POST', `projects/${project.body.id}/environments`, {
        body: { name: 'production', external_url: appUrl },
      });
      assert.equal(environment.status, 201, JSON.stringify(environment.body));
      const configured = await t.api(
        'PUT',
        `projects/${project.body.id}/environments/${environment.body.id}`,
        {
          body: { metrics_path: '/metrics' },
        },
      );
      assert.equal(configured.status, 200, JSON.stringify(configured.body));
      path = `projects/${project.body.id}/environments/${environment.body.id}/metrics`;
      for (const [role, level] of [
        ['reporter', 20],
        ['developer', 30],
      ] as const) {
        const user = await createUserWithToken(t, role);
        await t.api('POST', `projects/${project.body.id}/members`, {
          body: { user_id: user.id, access_level: level },
        });
        if (role === 'reporter') reporter = user.token;
        else developer = user.token;
      }

      // What runs there: a successful deployment by the admin.
      const db = t.server.store.db;
      deploymentId = await recordDeployment(db, {
        projectId: project.body.id,
        environment: 'production',
        userId: 1,
        status: 'success',
      });
      await db
        .updateTable('environments')
        .set({ last_deployment_id: deploymentId, last_success_deployment_id: deploymentId })
        .where('id', '=', environment.body.id)
        .execute();

      // Three rounds, 10 s apart, of a sampler like the server's with a fake target.
      const rows = new EnvironmentMetricRepository(db);
      const clock = new FakeScheduleClock(iso(times[0]!));
      let round = 0;
      const logged: string[] = [];
      const sampler = new MetricsSampler({
        environments: rows,
        store: new MetricStore(rows, { retentionDays: 30 }),
        openOperations: async (row) =>
          row.id === environment.body.id
            ? fakeOperations(() => ({
                pod: 'web-1',
                container: 'app',
                cpuCores: [0.25, 0.5, 0.75][round]!,
                memoryBytes: [1000, 2000, 3000][round]!,
                restarts: round,
              }))
            : undefined,
        clock,
        intervalSeconds: 10,
        log: (line) => logged.push(line),
      });
      for (const [i, time] of times.entries()) {
        round = i;
        // 100 requests every 10 s: 10 per second, half of them within 50 ms.
        app.requests = 100 * (i + 1);
        clock.set(iso(time));
        await sampler.sampleNow();
      }
      await sampler.stop();
      assert.deepEqual(logged, []);
    });
    after(async () => {
      app?.stop();
      await t?.stop();
    });

    const byName = (metrics: EnvironmentMetrics) =>
      Object.fromEntries(metrics.series.map((s) => [`${s.pod}/${s.container}/${s.metric}`, s])) as Record<
        string,
        MetricSeries
      >;

    test('a reporter reads the samples at 10 s across the chunk boundary, with the deployment marker', async () => {
      const to = Math.ceil(Date.now() / 1000) + 60;
      const response = await t.api<EnvironmentMetrics>(
        'GET',
        `${path}?from=${iso(hour - 60)}&to=${iso(to)}`,
        {
          token: reporter,
        },
      );
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const metrics = response.body;
      assert.equal(metrics.resolution_seconds, 10);
      assert.equal(metrics.from, iso(hour - 60));
      assert.equal(metrics.to, iso(to));
      assert.deepEqual(
        metrics.series.map((s) => `${s.pod}/${s.container}/${s.metric}`),
        [
          '//http_latency_p50_seconds',
          '//http_latency_p99_seconds',
          '//http_requests_per_second',
          'web-1/app/cpu_cores',
          'web-1/app/memory_bytes',
          'web-1/app/restarts',
        ],
      );
      const series = byName(metrics);
      assert.deepEqual(series['web-1/app/cpu_cores'], {
        pod: 'web-1',
        container: 'app',
        metric: 'cpu_cores',
        t: times,
        v: [0.25, 0.5, 0.75],
      });
      assert.deepEqual(series['web-1/app/memory_bytes']!.v, [1000, 2000, 3000]);
      assert.deepEqual(series['web-1/app/restarts']!.v, [0, 1, 2]);
      // HTTP series start with the second scrape: rates need two.
      assert.deepEqual(series['//http_requests_per_second']!.t, [hour, hour + 10]);
      assert.deepEqual(series['//http_requests_per_second']!.v, [10, 10]);
      assert.deepEqual(series['//http_latency_p50_seconds']!.v, [0.05, 0.05]);
      // Rank 99 of 100: 49 of the 50 requests between 50 and 500 ms in.
      for (const value of series['//http_latency_p99_seconds']!.v) assert.ok(Math.abs(value - 0.491) < 1e-9);

      assert.equal(metrics.deployments.length, 1);
      const [marker] = metrics.deployments;
      assert.equal(marker!.id, deploymentId);
      assert.equal(marker!.status, 'success');
      assert.equal(marker!.sha, 'a'.repeat(40));
      assert.equal(marker!.finished_at, null);
      assert.deepEqual(marker!.user, { id: 1, username: 'admin', name: marker!.user!.name });
    });

    test('a range over a day is drawn at 5 minutes: means, and the maximum of restarts', async () => {
      const now = Math.floor(Date.now() / 1000);
      const response = await t.api<EnvironmentMetrics>(
        'GET',
        `${path}?from=${iso(now - 2 * 86_400)}&to=${iso(now + 60)}`,
      );
      assert.equal(response.status, 200);
      assert.equal(response.body.resolution_seconds, 300);
      const series = byName(response.body);
      // hour − 10 falls in the five minutes before the hour; hour and hour + 10 in those after.
      assert.deepEqual(series['web-1/app/cpu_cores']!.t, [hour - 300, hour]);
      assert.deepEqual(series['web-1/app/cpu_cores']!.v, [0.25, 0.625]);
      assert.deepEqual(series['web-1/app/restarts']!.v, [0, 2]);
      assert.equal(response.body.deployments.length, 1);
    });

    test('samples are stored compactly: one row per series, resolution and chunk', async () => {
      const rows = await t.server.store.db
        .selectFrom('environment_metrics')
        .select(['resolution_seconds', 'chunk_start'])
        .execute();
      // Six series; the fine chunks of two hours for the container's, one for HTTP (its points are
      // all after the hour); coarse chunks are a day, which the hour may also have crossed.
      const fine = rows.filter((row) => row.resolution_seconds === 10);
      assert.equal(fine.length, 3 * 2 + 3);
      assert.ok(rows.length - fine.length <= 3 * 2 + 3);
    });

    test('the last hour by default; bad ranges are 400 naming the field', async () => {
      const latest = await t.api<EnvironmentMetrics>('GET', path);
      assert.equal(latest.status, 200);
      assert.equal(Date.parse(latest.body.to) - Date.parse(latest.body.from), 3_600_000);
      const cases = [
        { query: 'from=yesterday', message: /from "yesterday" is not an ISO-8601 date/, field: '/from' },
        { query: 'to=2026-03-01T12:00:00', message: /to "2026-03-01T12:00:00" is not/, field: '/to' },
        {
          query: 'from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z',
          message: /from \(2026-03-02T00:00:00.000Z\) must be before to/,
          field: '/from',
        },
        {
          query: 'from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
          message: /longer than 30 days/,
          field: '/from',
        },
      ];
      for (const { query, message, field } of cases) {
        const response = await t.api<{
          error: { code: string; message: string; details: Array<{ path: string }> };
        }>('GET', `${path}?${query}`);
        assert.equal(response.status, 400, query);
        assert.equal(response.body.error.code, 'validation_failed');
        assert.match(response.body.error.message, message);
        assert.equal(response.body.error.details[0]?.path, field);
      }
    });

    test("a protected environment's logs_access decides who reads its graphs", async () => {
      const projectPath = path.split('/environments/')[0]!;
      const rule = await t.api('POST', `${projectPath}/protected_environments`, {
        body: { name: 'production', logs_access: 'developer' },
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      assert.equal((await t.api('GET', path, { token: reporter })).status, 403);
      assert.equal((await t.api('GET', path, { token: developer })).status, 200);
    });
  });
}
