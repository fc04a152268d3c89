import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentRow } from '../../test/support/store-rows.ts';
import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import type { Resolution } from '../metrics/metric-resolution.ts';
import type { DeploymentMarkerRow } from '../store/repositories/environment-metric-repository.ts';
import { EnvironmentMetricsService } from './environment-metrics-service.ts';

const NOW = '2026-03-10T12:00:00.000Z';
const actor: Actor = { userId: 2, username: 'ann', isAdmin: false, scopes: ['api'] };

function setup(markers: DeploymentMarkerRow[] = []) {
  const reads: Array<{ resolution: number; from: number; to: number }> = [];
  const markerRanges: string[][] = [];
  const service = new EnvironmentMetricsService({
    authorizeRead: async (_actor, ref, id) => {
      if (ref !== '1' || id !== 5) throw new GantryError('not_found', 'environment not found');
      return environmentRow();
    },
    metrics: {
      read: async (_id, resolution: Resolution, from, to) => {
        reads.push({ resolution: resolution.seconds, from, to });
        return [{ pod: 'web-1', container: 'app', metric: 'cpu_cores', t: [from], v: [0.5] }];
      },
    },
    markers: {
      deploymentMarkers: async (projectId, environmentId, from, to) => {
        markerRanges.push([String(projectId), String(environmentId), from, to]);
        return markers;
      },
    },
    now: () => new Date(NOW),
  });
  return { service, reads, markerRanges };
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

test('the last hour by default, at 10 s; the deployments in it as markers', async () => {
  const { service, reads, markerRanges } = setup([
    {
      id: 9,
      iid: 3,
      sha: 'a'.repeat(40),
      status: 'success',
      created_at: '2026-03-10T11:30:00.000Z',
      finished_at: '2026-03-10T11:31:00.000Z',
      user_id: 2,
      username: 'ann',
      user_name: 'Ann',
    },
    {
      id: 10,
      iid: 4,
      sha: 'b'.repeat(40),
      status: 'running',
      created_at: '2026-03-10T11:50:00.000Z',
      finished_at: null,
      user_id: null,
      username: null,
      user_name: null,
    },
  ]);
  const metrics = await service.read(actor, '1', 5, {});
  assert.deepEqual(metrics, {
    resolution_seconds: 10,
    from: '2026-03-10T11:00:00.000Z',
    to: NOW,
    series: [
      { pod: 'web-1', container: 'app', metric: 'cpu_cores', t: [seconds('2026-03-10T11:00:00Z')], v: [0.5] },
    ],
    deployments: [
      {
        id: 9,
        iid: 3,
        sha: 'a'.repeat(40),
        status: 'success',
        created_at: '2026-03-10T11:30:00.000Z',
        finished_at: '2026-03-10T11:31:00.000Z',
        user: { id: 2, username: 'ann', name: 'Ann' },
      },
      {
        id: 10,
        iid: 4,
        sha: 'b'.repeat(40),
        status: 'running',
        created_at: '2026-03-10T11:50:00.000Z',
        finished_at: null,
        user: null,
      },
    ],
  });
  assert.deepEqual(reads, [{ resolution: 10, from: seconds('2026-03-10T11:00:00Z'), to: seconds(NOW) }]);
  assert.deepEqual(markerRanges, [['1', '5', '2026-03-10T11:00:00.000Z', NOW]]);
});

test('the resolution follows the range: 10 s up to a recent day, 5 min beyond', async () => {
  const cases = [
    { from: '2026-03-09T12:00:00Z', to: NOW, resolution: 10 },
    { from: '2026-03-09T11:59:59Z', to: NOW, resolution: 300 },
    // An hour a week ago: fine data is gone by then.
    { from: '2026-03-03T12:00:00Z', to: '2026-03-03T14:00:00+01:00', resolution: 300 },
    { from: '2026-02-08T12:00:00Z', to: NOW, resolution: 300 },
  ];
  for (const { from, to, resolution } of cases) {
    const { service } = setup();
    const metrics = await service.read(actor, '1', 5, { from, to });
    assert.equal(metrics.resolution_seconds, resolution, `${from}…${to}`);
  }
  // Only `from`: up to now.
  const { service } = setup();
  assert.equal((await service.read(actor, '1', 5, { from: '2026-03-10' })).to, NOW);
});

test('bad ranges are refused with what was expected', async () => {
  const cases: Array<{ query: { from?: string; to?: string }; message: RegExp; path: string }> = [
    {
      query: { from: 'yesterday' },
      message: /from "yesterday" is not an ISO-8601 date or date-time/,
      path: '/from',
    },
    // A time without a zone would depend on the server's.
    { query: { to: '2026-03-10T12:00:00' }, message: /to "2026-03-10T12:00:00" is not/, path: '/to' },
    {
      query: { from: NOW, to: NOW },
      message: /from \(2026-03-10T12:00:00.000Z\) must be before to \(2026-03-10T12:00:00.000Z\)/,
      path: '/from',
    },
    {
      query: { from: '2026-02-08T11:59:59Z', to: NOW },
      message: /longer than 30 days; ask for 30 days or less/,
      path: '/from',
    },
  ];
  for (const { query, message, path } of cases) {
    const { service } = setup();
    await assert.rejects(service.read(actor, '1', 5, query), (error: GantryError) => {
      assert.equal(error.code, 'validation_failed');
      assert.match(error.message, message);
      assert.equal(error.details[0]?.path, path);
      return true;
    });
  }
});

test('authorization comes first', async () => {
  const { service, reads } = setup();
  await assert.rejects(service.read(actor, '2', 5, { from: 'nonsense' }), /environment not found/);
  assert.deepEqual(reads, []);
});
