import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobStatus, JobWhen } from './job-status.ts';
import { decideProgress, type ProgressJob } from './pipeline-progress.ts';

let nextId = 1;
function job(
  name: string,
  stageIndex: number,
  status: JobStatus,
  options: { when?: JobWhen; allowFailure?: boolean; needs?: string[] } = {},
): ProgressJob {
  return {
    id: nextId++,
    name,
    stageIndex,
    status,
    when: options.when ?? 'on_success',
    allowFailure: options.allowFailure ?? false,
    needs: options.needs?.map((n) => ({ job: n, optional: false })) ?? null,
  };
}

function decisions(jobs: ProgressJob[]): Record<string, string> {
  const byId = new Map(jobs.map((j) => [j.id, j.name]));
  return Object.fromEntries(decideProgress(jobs).map((d) => [byId.get(d.id)!, d.to]));
}

const cases: Array<[string, ProgressJob[], Record<string, string>]> = [
  [
    'first stage starts at once',
    [job('build', 0, 'created'), job('test', 1, 'created')],
    { build: 'pending' },
  ],
  ['next stage waits for the running one', [job('build', 0, 'running'), job('test', 1, 'created')], {}],
  [
    'next stage runs after success',
    [job('build', 0, 'success'), job('test', 1, 'created')],
    { test: 'pending' },
  ],
  [
    'failure skips on_success, runs on_failure and always',
    [
      job('build', 0, 'failed'),
      job('test', 1, 'created'),
      job('report', 1, 'created', { when: 'on_failure' }),
      job('cleanup', 1, 'created', { when: 'always' }),
    ],
    { test: 'skipped', report: 'pending', cleanup: 'pending' },
  ],
  [
    'allowed failure counts as success',
    [job('lint', 0, 'failed', { allowFailure: true }), job('test', 1, 'created')],
    { test: 'pending' },
  ],
  [
    'canceled counts as failure',
    [job('build', 0, 'canceled'), job('test', 1, 'created')],
    { test: 'skipped' },
  ],
  ['skipped counts as success', [job('build', 0, 'skipped'), job('test', 1, 'created')], { test: 'pending' }],
  [
    'needs: starts as soon as its needs are done, ignoring stages',
    [
      job('build-a', 0, 'success'),
      job('build-b', 0, 'running'),
      job('test-a', 1, 'created', { needs: ['build-a'] }),
    ],
    { 'test-a': 'pending' },
  ],
  [
    'needs: [] starts at once',
    [job('build', 0, 'running'), job('lint', 2, 'created', { needs: [] })],
    { lint: 'pending' },
  ],
  [
    'manual after success waits for a person',
    [job('build', 0, 'success'), job('deploy', 1, 'created', { when: 'manual' })],
    { deploy: 'manual' },
  ],
  ['a blocking manual job holds later stages', [job('deploy', 0, 'manual'), job('smoke', 1, 'created')], {}],
  [
    'a non-blocking manual job does not hold later stages',
    [job('deploy', 0, 'manual', { allowFailure: true }), job('smoke', 1, 'created')],
    { smoke: 'pending' },
  ],
  [
    'delayed jobs are scheduled after success, skipped after failure',
    [
      job('build', 0, 'success'),
      job('canary', 1, 'created', { when: 'delayed' }),
      job('broken', 0, 'failed'),
    ],
    { canary: 'skipped' },
  ],
  [
    'delayed job scheduled',
    [job('build', 0, 'success'), job('canary', 1, 'created', { when: 'delayed' })],
    { canary: 'scheduled' },
  ],
  ['jobs already moving are left alone', [job('build', 0, 'pending'), job('test', 0, 'manual')], {}],
];

for (const [name, jobs, expected] of cases) {
  test(name, () => assert.deepEqual(decisions(jobs), expected));
}
