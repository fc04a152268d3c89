import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import { defaultStages, readStages } from './stages-keyword.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string | null) {
  const diagnostics = createDiagnostics();
  const node = yaml === null ? undefined : (parseYamlSource('f.yml', yaml).root as YamlMap).entries[0]!.value;
  return { stages: readStages(diagnostics, node), errors: diagnostics.errors.map(formatPipelineError) };
}

test('defaults to GitLab stages; .pre and .post always bracket the list', () => {
  assert.deepEqual(read(null).stages, defaultStages);
  assert.deepEqual(read('stages: [build, deploy]\n').stages, ['.pre', 'build', 'deploy', '.post']);
  assert.deepEqual(read('stages: [.post, lint, .pre]\n').stages, ['.pre', 'lint', '.post']);
  assert.deepEqual(read('stages: []\n').stages, ['.pre', '.post']);
});

test('reports bad lists and duplicates', () => {
  assert.deepEqual(read('stages: [a, b, a]\n').errors, ['f.yml:1:16: stages[2]: stage "a" is listed twice']);
  assert.deepEqual(read('stages: build\n').errors, [
    'f.yml:1:9: stages: expected a list of stage names, got "build"',
  ]);
  assert.deepEqual(read('stages: [a, [b]]\n').errors, [
    'f.yml:1:13: stages[1]: expected a non-empty string, got a list',
  ]);
});
