import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  groupByCommit,
  parseRebuildEnvironments,
  rebuildJobDecision,
  rebuildVariables,
  serializeRebuildEnvironments,
} from './rebuild-plan.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

test('one group per distinct commit and ref, in the order commits first appear', () => {
  assert.deepEqual(
    groupByCommit([
      { environment: 'production', sha: A, ref: 'main', tag: false },
      { environment: 'review/main', sha: B, ref: 'main', tag: false },
      { environment: 'staging', sha: B, ref: 'main', tag: false },
      { environment: 'demo', sha: A, ref: 'main', tag: false },
    ]),
    [
      { sha: A, ref: 'main', tag: false, environments: ['production', 'demo'] },
      { sha: B, ref: 'main', tag: false, environments: ['review/main', 'staging'] },
    ],
  );
});

test('the same commit deployed from a branch and from a tag gets a pipeline for each', () => {
  const groups = groupByCommit([
    { environment: 'staging', sha: A, ref: 'v1.0', tag: false },
    { environment: 'production', sha: A, ref: 'v1.0', tag: true },
  ]);
  assert.deepEqual(
    groups.map((group) => [group.tag, group.environments]),
    [
      [false, ['staging']],
      [true, ['production']],
    ],
  );
});

test('rebuild variables: the marker, the environments comma-separated, no buildah layer cache', () => {
  assert.deepEqual(rebuildVariables(['review/main', 'staging']), [
    { key: 'GANTRY_REBUILD', value: '1', variable_type: 'env_var' },
    { key: 'GANTRY_REBUILD_ENVIRONMENTS', value: 'review/main,staging', variable_type: 'env_var' },
    { key: 'BUILDAH_LAYERS', value: 'false', variable_type: 'env_var' },
  ]);
});

test('jobs for environments outside the rebuild are skipped; manual deployments to rebuilt ones run', () => {
  const rebuilt = ['production'];
  const cases: Array<[{ environment: string; action: string; when: string }, string]> = [
    [{ environment: 'staging', action: 'start', when: 'on_success' }, 'skip'],
    [{ environment: 'staging', action: 'stop', when: 'manual' }, 'skip'],
    [{ environment: 'review/main', action: 'prepare', when: 'on_success' }, 'skip'],
    [{ environment: 'production', action: 'start', when: 'manual' }, 'run'],
    [{ environment: 'production', action: 'start', when: 'on_success' }, 'as_planned'],
    [{ environment: 'production', action: 'start', when: 'delayed' }, 'as_planned'],
    // Stopping what was just rebuilt still takes a click.
    [{ environment: 'production', action: 'stop', when: 'manual' }, 'as_planned'],
    [{ environment: 'production', action: 'prepare', when: 'manual' }, 'as_planned'],
  ];
  for (const [job, expected] of cases) {
    assert.equal(rebuildJobDecision(rebuilt, job), expected, JSON.stringify(job));
  }
});

test('stored rebuild environments round-trip; null is no rebuild; anything else is refused', () => {
  assert.deepEqual(parseRebuildEnvironments(serializeRebuildEnvironments(['a', 'b c'])), ['a', 'b c']);
  assert.equal(parseRebuildEnvironments(null), null);
  assert.throws(() => parseRebuildEnvironments('{"a":1}'), /not a list of names/);
  assert.throws(() => parseRebuildEnvironments('[1]'), /not a list of names/);
});
