import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPipeline } from './load-pipeline.ts';
import { formatPipelineError } from './pipeline-error.ts';

const reader = (files: Record<string, string>) => async (path: string) => files[path];

test('loads, merges includes and returns a definition', async () => {
  const result = await loadPipeline(
    '.gantry.yml',
    reader({
      '.gantry.yml': 'include: ci/jobs.yml\nstages: [build]\n',
      'ci/jobs.yml': 'build: {stage: build, script: make}\n',
    }),
  );
  assert.ok(result.ok);
  assert.deepEqual(result.definition.files, ['.gantry.yml', 'ci/jobs.yml']);
  assert.deepEqual(
    result.definition.jobs.map((job) => job.name),
    ['build'],
  );
  assert.deepEqual(result.warnings, []);
});

test('returns every validation error, sorted by file and position', async () => {
  const result = await loadPipeline(
    '.gitlab-ci.yml',
    reader({
      '.gitlab-ci.yml': 'include: ci/a.yml\nz: {script: x, retry: 9}\na: {script: x, when: later}\n',
      'ci/a.yml': 'inc: {script: 1}\n',
    }),
  );
  assert.ok(!result.ok);
  assert.deepEqual(result.errors.map(formatPipelineError), [
    '.gitlab-ci.yml:2:23: job "z" retry: expected an integer from 0 to 2, got 9',
    '.gitlab-ci.yml:3:22: job "a" when: expected one of on_success, on_failure, always, manual, delayed, never, got "later"',
    'ci/a.yml:1:15: job "inc" script: expected a string or a list of strings, got 1',
  ]);
});

test('stops at read and parse errors, without phantom validation errors', async () => {
  const result = await loadPipeline(
    '.gitlab-ci.yml',
    reader({ '.gitlab-ci.yml': 'include: [a.yml]\nj: {script: x, needs: [from-a]}\n' }),
  );
  assert.ok(!result.ok);
  assert.deepEqual(result.errors.map(formatPipelineError), [
    '.gitlab-ci.yml:1:11: include[0]: file "a.yml" does not exist at this commit',
  ]);
});

test('errors thrown by the reader propagate', async () => {
  await assert.rejects(
    loadPipeline('.gitlab-ci.yml', async () => {
      throw new Error('disk on fire');
    }),
    /disk on fire/,
  );
});
