import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleaseDeployment } from '../api/release-types.ts';
import { affectsReleases, latestPerEnvironment, releaseHref } from './release.ts';

const deployment = (id: number, environmentId: number, status: string): ReleaseDeployment => ({
  id,
  iid: id,
  ref: 'v1.0',
  sha: 'a'.repeat(40),
  status,
  created_at: '2026-01-01T00:00:00.000Z',
  finished_at: null,
  environment: { id: environmentId, name: `env${environmentId}` },
});

test('the newest deployment per environment, newest environments first', () => {
  const latest = latestPerEnvironment([
    deployment(5, 2, 'running'),
    deployment(4, 1, 'success'),
    deployment(3, 2, 'success'),
    deployment(2, 1, 'failed'),
  ]);
  assert.deepEqual(
    latest.map((d) => [d.id, d.environment.id, d.status]),
    [
      [5, 2, 'running'],
      [4, 1, 'success'],
    ],
  );
});

test('a tag with a slash stays one path segment', () => {
  assert.equal(releaseHref('/projects/3', 'release/2.0'), '/projects/3/releases/release%2F2.0');
});

test("release and deployment events of the project refresh its releases; others' do not", () => {
  assert.equal(affectsReleases({ type: 'release', project_id: 3 }, 3), true);
  assert.equal(affectsReleases({ type: 'deployment', project_id: 3 }, 3), true);
  assert.equal(affectsReleases({ type: 'job', project_id: 3 }, 3), false);
  assert.equal(affectsReleases({ type: 'release', project_id: 4 }, 3), false);
});
