import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { formatPipelineError, loadPipeline, planPipeline } from '../../src/pipeline/index.ts';
import {
  caseDirectories,
  contextsOf,
  type ExpectedPlan,
  mainFileOf,
  readerOf,
  reducePlan,
  repositoryFiles,
} from './corpus-support.ts';

const valid = caseDirectories('valid');
const invalid = caseDirectories('invalid');

test('the corpus has enough cases', () => {
  assert.ok(valid.length >= 25, `${valid.length} valid cases`);
  assert.ok(invalid.length >= 50, `${invalid.length} invalid cases`);
});

for (const directory of valid) {
  test(`valid/${basename(directory)}`, async () => {
    const files = repositoryFiles(directory);
    const loaded = await loadPipeline(mainFileOf(directory), readerOf(files));
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatPipelineError).join('\n'));
    const contexts = contextsOf(directory);
    const raw = JSON.parse(readFileSync(join(directory, 'expected.json'), 'utf8')) as
      | ExpectedPlan
      | ExpectedPlan[];
    const expected = Array.isArray(raw) ? raw : [raw];
    assert.equal(expected.length, contexts.length, 'one expected plan per context');
    contexts.forEach((context, index) => {
      const plan = planPipeline(loaded.definition, context);
      assert.deepEqual(
        reducePlan(plan, expected[index]!),
        expected[index],
        `context ${index} (${context.ref})`,
      );
    });
  });
}

for (const directory of invalid) {
  test(`invalid/${basename(directory)}`, async () => {
    const files = repositoryFiles(directory);
    const loaded = await loadPipeline(mainFileOf(directory), readerOf(files));
    const expected = JSON.parse(readFileSync(join(directory, 'expected.json'), 'utf8')) as unknown;
    assert.ok(!loaded.ok, 'the file must be rejected');
    assert.deepEqual(loaded.errors, expected);
  });
}
