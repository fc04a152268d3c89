import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MetricPoint } from '../../src/metrics/metric-names.ts';
import { COARSE, FINE } from '../../src/metrics/metric-resolution.ts';
import { MetricStore } from '../../src/metrics/metric-store.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { EnvironmentMetricRepository } from '../../src/store/repositories/environment-metric-repository.ts';
import { EnvironmentRepository } from '../../src/store/repositories/environment-repository.ts';
import { ProjectRepository } from '../../src/store/repositories/project-repository.ts';
import { UserRepository } from '../../src/store/repositories/user-repository.ts';
import { recordDeployment } from '../support/deployment-rows.ts';
import { DIALECTS, dialectSuiteOptions, freshDatabaseUrl } from '../support/dialects.ts';

// A day boundary (so an hour and a day boundary) in unix seconds: 2026-03-02T00:00:00Z.
const midnight = Date.parse('2026-03-02T00:00:00Z') / 1000;
const cpu = (value: number, pod = 'web-1'): MetricPoint => ({
  pod,
  container: 'app',
  metric: 'cpu_cores',
  value,
});
const restarts = (value: number): MetricPoint => ({
  pod: 'web-1',
  container: 'app',
  metric: 'restarts',
  value,
});

for (const dialect of DIALECTS) {
  describe(`metric store on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let store: Store;
    let rows: EnvironmentMetricRepository;
    let metrics: MetricStore;
    let environments: EnvironmentRepository;
    let projectId: number;
    let userId: number;
    let counter = 0;
    before(async () => {
      store = openStore(await freshDatabaseUrl(dialect));
      await store.migrate();
      rows = new EnvironmentMetricRepository(store.db);
      metrics = new MetricStore(rows, { retentionDays: 30 });
      environments = new EnvironmentRepository(store.db);
      const project = await new ProjectRepository(store.db).create(
        {
          name: 'app',
          path: 'metrics/app',
          description: '',
          defaultBranch: 'main',
          creatorId: null,
          mirrorUrl: null,
          mirrorUsername: null,
        },
        null,
      );
      projectId = project.id;
      const user = await new UserRepository(store.db).create({
        username: 'deployer',
        name: 'Dee Ployer',
        email: null,
        passwordHash: null,
        isAdmin: false,
      });
      userId = user.id;
    });
    after(() => store?.close());

    async function environment(values: { state?: string } = {}): Promise<number> {
      const name = `env-${counter++}`;
      const row = await environments.insert({
        project_id: projectId,
        name,
        slug: name,
        tier: 'production',
        external_url: null,
        state: values.state ?? 'available',
        kubernetes_namespace: null,
      });
      return row!.id;
    }

    test('points read back across chunk boundaries, sorted, gaps left out', async () => {
      const id = await environment();
      // Fine chunks are an hour: these fall in the last slots of one and the first of the next.
      await metrics.record(id, midnight - 20, [cpu(0.1), cpu(5, 'web-0')]);
      await metrics.record(id, midnight - 10, [cpu(0.2)]);
      await metrics.record(id, midnight + 7, [
        cpu(0.3),
        { ...cpu(0), metric: 'memory_bytes', value: 2 ** 33 },
      ]);
      // Nothing at midnight + 10; the same slot written twice keeps the last value.
      await metrics.record(id, midnight + 20, [cpu(0.9)]);
      await metrics.record(id, midnight + 29, [cpu(0.4)]);
      // Values that are not numbers are not recorded (and do not erase one).
      await metrics.record(id, midnight + 29, [cpu(Number.NaN), cpu(Number.POSITIVE_INFINITY)]);

      assert.deepEqual(await metrics.read(id, FINE, midnight - 3600, midnight + 3600), [
        { pod: 'web-0', container: 'app', metric: 'cpu_cores', t: [midnight - 20], v: [5] },
        {
          pod: 'web-1',
          container: 'app',
          metric: 'cpu_cores',
          t: [midnight - 20, midnight - 10, midnight, midnight + 20],
          v: [0.1, 0.2, 0.3, 0.4],
        },
        { pod: 'web-1', container: 'app', metric: 'memory_bytes', t: [midnight], v: [2 ** 33] },
      ]);
      // The range is inclusive at both ends and cuts inside chunks.
      const narrow = await metrics.read(id, FINE, midnight - 10, midnight);
      assert.deepEqual(
        narrow.map((s) => [s.pod, s.metric, s.t]),
        [
          ['web-1', 'cpu_cores', [midnight - 10, midnight]],
          ['web-1', 'memory_bytes', [midnight]],
        ],
      );
      // Each chunk is one row, however many points it holds: two hours of three series.
      const stored = await store.db
        .selectFrom('environment_metrics')
        .select(['resolution_seconds', 'chunk_start'])
        .where('environment_id', '=', id)
        .execute();
      assert.equal(stored.filter((row) => row.resolution_seconds === FINE.seconds).length, 4);
      // Coarse chunks are a day: the points before midnight are in the previous one.
      assert.equal(stored.filter((row) => row.resolution_seconds === COARSE.seconds).length, 4);
    });

    test('five-minute slots hold the mean of their samples, the maximum of restarts', async () => {
      const id = await environment();
      const window = midnight + 3600;
      await metrics.record(id, window, [cpu(1), restarts(0)]);
      await metrics.record(id, window + 10, [cpu(2), restarts(2)]);
      await metrics.record(id, window + 290, [cpu(6), restarts(1)]);
      await metrics.record(id, window + 300, [cpu(10), restarts(1)]);
      const coarse = await metrics.read(id, COARSE, midnight, midnight + 86_399);
      assert.deepEqual(coarse, [
        { pod: 'web-1', container: 'app', metric: 'cpu_cores', t: [window, window + 300], v: [3, 10] },
        { pod: 'web-1', container: 'app', metric: 'restarts', t: [window, window + 300], v: [2, 1] },
      ]);
    });

    test('pruning deletes fine chunks after a day and coarse ones after the retention', async () => {
      const id = await environment();
      const now = midnight + 40 * 86_400 + 1800;
      await metrics.record(id, now - 31 * 86_400, [cpu(1)]);
      await metrics.record(id, now - 86_400 - 3600, [cpu(2)]);
      await metrics.record(id, now - 86_400 + 3600, [cpu(3)]);
      await metrics.record(id, now, [cpu(4)]);
      assert.ok((await metrics.prune(now)) >= 3);
      const values = async (resolution: typeof FINE) =>
        (await metrics.read(id, resolution, now - 40 * 86_400, now)).flatMap((s) => s.v);
      assert.deepEqual(await values(FINE), [3, 4]);
      assert.deepEqual(await values(COARSE), [2, 3, 4]);
      assert.equal(await metrics.prune(now), 0);
    });

    test('sampled environments: deployed once and not stopped; chunks go with their environment', async () => {
      const running = await environment();
      const stopped = await environment({ state: 'stopped' });
      const never = await environment();
      for (const id of [running, stopped]) {
        const env = await environments.findById(id);
        const deployment = await recordDeployment(store.db, { projectId, environment: env!.name, userId });
        await environments.update(id, { last_deployment_id: deployment });
      }
      const sampled = (await rows.listSampled()).map((row) => row.id);
      assert.ok(sampled.includes(running));
      assert.ok(!sampled.includes(stopped));
      assert.ok(!sampled.includes(never));

      await metrics.record(running, midnight, [cpu(1)]);
      await store.db.deleteFrom('deployments').where('environment_id', '=', running).execute();
      await store.db.deleteFrom('environments').where('id', '=', running).execute();
      const left = await store.db
        .selectFrom('environment_metrics')
        .select('environment_id')
        .where('environment_id', '=', running)
        .execute();
      assert.deepEqual(left, []);
    });

    test('deployment markers: those that started or finished in the range, oldest first, latest kept', async () => {
      const id = await environment();
      const name = (await environments.findById(id))!.name;
      const ids: number[] = [];
      for (const sha of ['1', '2', '3', '4']) {
        ids.push(
          await recordDeployment(store.db, { projectId, environment: name, userId, sha: sha.repeat(40) }),
        );
      }
      const at = (hour: number) => `2026-03-02T${String(hour).padStart(2, '0')}:00:00.000Z`;
      // 1 ran 01:00–02:00, 2 started at 05:00 and finished at 07:00, 3 started at 09:00, 4 at 23:00.
      const times: Array<[string, string | null]> = [
        [at(1), at(2)],
        [at(5), at(7)],
        [at(9), null],
        [at(23), null],
      ];
      for (const [i, [created, finished]] of times.entries()) {
        await store.db
          .updateTable('deployments')
          .set({ created_at: created, finished_at: finished, status: finished ? 'success' : 'running' })
          .where('id', '=', ids[i]!)
          .execute();
      }
      const markers = (from: string, to: string, limit = 10) =>
        rows.deploymentMarkers(projectId, id, from, to, limit).then((list) => list.map((m) => m.id));
      assert.deepEqual(await markers(at(6), at(10)), [ids[1], ids[2]]);
      assert.deepEqual(await markers(at(0), at(23)), ids);
      assert.deepEqual(await markers(at(0), at(23), 2), [ids[2], ids[3]]);
      assert.deepEqual(await markers(at(3), at(4)), []);
      const [marker] = await rows.deploymentMarkers(projectId, id, at(1), at(1), 1);
      assert.deepEqual(
        { ...marker },
        {
          id: ids[0],
          iid: marker!.iid,
          sha: '1'.repeat(40),
          status: 'success',
          created_at: at(1),
          finished_at: at(2),
          user_id: userId,
          username: 'deployer',
          user_name: 'Dee Ployer',
        },
      );
    });
  });
}
