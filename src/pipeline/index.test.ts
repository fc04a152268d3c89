import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as pipeline from './index.ts';

test('exports the compiler API', () => {
  for (const name of [
    'loadPipeline',
    'planPipeline',
    'lintPipeline',
    'formatPipelineError',
    'compareToRefs',
    'expandVariables',
    'parseDuration',
  ]) {
    assert.equal(typeof (pipeline as Record<string, unknown>)[name], 'function', name);
  }
});

test('load, plan and lint a small pipeline through the index', async () => {
  const read = async (path: string) => (path === '.gantry.yml' ? 'build:\n  script: make\n' : undefined);
  const loaded = await pipeline.loadPipeline('.gantry.yml', read);
  assert.ok(loaded.ok);
  const plan = pipeline.planPipeline(loaded.definition, {
    variables: {},
    ref: 'main',
    refType: 'branch',
    source: 'push',
    changedFiles: null,
    files: [],
  });
  assert.deepEqual(
    plan.jobs.map((job) => job.name),
    ['build'],
  );
  assert.equal((await pipeline.lintPipeline('.gantry.yml', read)).valid, true);
});
