import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintPipeline } from './lint-pipeline.ts';

const reader = (files: Record<string, string>) => async (path: string) => files[path];

test('a valid file lists its jobs and stages', async () => {
  assert.deepEqual(
    await lintPipeline(
      '.gitlab-ci.yml',
      reader({ '.gitlab-ci.yml': 'image: alpine\nstages: [b]\nx: {stage: b, script: y}\n' }),
    ),
    {
      valid: true,
      errors: [],
      warnings: ['.gitlab-ci.yml:1:1: top-level image: is deprecated; use default:image'],
      jobs: ['x'],
      stages: ['.pre', 'b', '.post'],
    },
  );
});

test('an invalid file still lists what could be understood', async () => {
  const result = await lintPipeline(
    '.gitlab-ci.yml',
    reader({ '.gitlab-ci.yml': 'stages: [b]\nx: {stage: b, script: y}\n.h: {}\nz: {script: 3}\n' }),
  );
  assert.equal(result.valid, false);
  assert.deepEqual(result.jobs, ['x', 'z']);
  assert.deepEqual(result.stages, ['.pre', 'b', '.post']);
  assert.equal(result.errors.length, 2);
  const broken = await lintPipeline('.gitlab-ci.yml', reader({ '.gitlab-ci.yml': 'x: [\n' }));
  assert.deepEqual(
    [broken.valid, broken.jobs, broken.stages],
    [false, [], ['.pre', 'build', 'test', 'deploy', '.post']],
  );
});
