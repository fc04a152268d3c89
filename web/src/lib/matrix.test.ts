import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MatrixRow } from '../api/matrix-types.ts';
import { buildMatrix, columnKey, summarizeCell } from './matrix.ts';

let nextId = 1;
function row(
  projectId: number,
  name: string,
  tier: string,
  extra: Partial<Pick<MatrixRow, 'deployment' | 'last_deployment'>> & { state?: string } = {},
): MatrixRow {
  return {
    project: { id: projectId, path_with_namespace: `group/app${projectId}` },
    environment: { id: nextId++, name, tier, state: extra.state ?? 'available' },
    deployment: extra.deployment ?? null,
    last_deployment: extra.last_deployment ?? null,
  };
}

const deployed = {
  id: 7,
  iid: 3,
  sha: '0123456789abcdef',
  short_sha: '01234567',
  ref: 'main',
  tag: false,
  finished_at: '2026-01-01T00:00:00.000Z',
  user: null,
};

test('columns are environment names in promotion order; folders share one column', () => {
  const matrix = buildMatrix([
    row(1, 'production', 'production'),
    row(1, 'review/a', 'development'),
    row(1, 'review/b', 'development'),
    row(1, 'staging', 'staging'),
    row(2, 'canary', 'other'),
    row(2, 'production', 'production'),
    row(2, 'qa', 'testing'),
  ]);
  assert.deepEqual(
    matrix.columns.map((column) => [column.label, column.tier, column.folder]),
    [
      ['review/…', 'development', true],
      ['qa', 'testing', false],
      ['staging', 'staging', false],
      ['production', 'production', false],
      ['canary', 'other', false],
    ],
  );
  assert.deepEqual(
    matrix.projects.map((project) => [project.path, [...project.cells.keys()]]),
    [
      ['group/app1', ['production', 'review/', 'staging']],
      ['group/app2', ['canary', 'production', 'qa']],
    ],
  );
  assert.deepEqual(
    matrix.projects[0]!.cells.get('review/')!.map((r) => r.environment.name),
    ['review/a', 'review/b'],
  );
});

test("a column's tier is the one most of its environments have", () => {
  const matrix = buildMatrix([
    row(1, 'live', 'production'),
    row(2, 'live', 'production'),
    row(3, 'live', 'other'),
    row(1, 'beta', 'staging'),
  ]);
  assert.deepEqual(
    matrix.columns.map((column) => [column.key, column.tier]),
    [
      ['beta', 'staging'],
      ['live', 'production'],
    ],
  );
});

test('columnKey keeps top-level names and maps a name in a folder to the folder', () => {
  assert.equal(columnKey('production'), 'production');
  assert.equal(columnKey('review/feature/x'), 'review/');
});

test('a cell shows the tag or short sha of what runs there, and a newer deployment apart', () => {
  assert.deepEqual(summarizeCell(row(1, 'production', 'production')), {
    version: null,
    versionTitle: null,
    deployedAt: null,
    status: null,
    newer: null,
  });
  const current = summarizeCell(
    row(1, 'production', 'production', {
      deployment: deployed,
      last_deployment: { ...deployed, status: 'success', created_at: 'x' },
    }),
  );
  assert.equal(current.version, '01234567');
  assert.equal(current.versionTitle, '0123456789abcdef (main)');
  assert.equal(current.deployedAt, '2026-01-01T00:00:00.000Z');
  assert.equal(current.status, 'success');
  assert.equal(current.newer, null);

  const tagged = summarizeCell(
    row(1, 'production', 'production', {
      deployment: { ...deployed, ref: 'v1.2.0', tag: true },
      last_deployment: {
        id: 8,
        iid: 4,
        status: 'running',
        sha: 'f'.repeat(40),
        short_sha: 'ffffffff',
        ref: 'main',
        tag: false,
        created_at: '2026-01-02T00:00:00.000Z',
      },
    }),
  );
  assert.equal(tagged.version, 'v1.2.0');
  assert.deepEqual(tagged.newer, {
    status: 'running',
    version: 'ffffffff',
    createdAt: '2026-01-02T00:00:00.000Z',
  });
});

test('a stopped environment says so instead of success', () => {
  assert.equal(
    summarizeCell(row(1, 'staging', 'staging', { deployment: deployed, state: 'stopped' })).status,
    'stopped',
  );
});
