import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { MAX_NEEDS, readNeeds } from './needs-keyword.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const needs = readNeeds(diagnostics, root.entries[0]!.value, 'needs');
  return {
    needs: needs?.map(({ position, ...need }) => ({ ...need, at: `${position.line}:${position.column}` })),
    errors: diagnostics.errors.map(formatPipelineError),
  };
}

test('reads names and mappings', () => {
  assert.deepEqual(read('needs: [build, {job: lint, artifacts: false}, {job: docs, optional: true}]\n'), {
    needs: [
      { job: 'build', artifacts: true, optional: false, at: '1:9' },
      { job: 'lint', artifacts: false, optional: false, at: '1:22' },
      { job: 'docs', artifacts: true, optional: true, at: '1:53' },
    ],
    errors: [],
  });
  assert.deepEqual(read('needs: []\n').needs, []);
});

test('reports bad entries', () => {
  assert.deepEqual(read('needs: build\n').errors, [
    'f.yml:1:8: needs: expected a list of job names, got "build"',
  ]);
  assert.deepEqual(
    read('needs: [a, a, {artifacts: true}, {job: b, pipeline: other}, 3, {job: c, optional: maybe}]\n')
      .errors,
    [
      'f.yml:1:12: needs[1]: job "a" is already listed',
      'f.yml:1:15: needs[2]: expected job: with a job name',
      'f.yml:1:43: needs[3]: unsupported keyword "pipeline": cross-project and parent-pipeline needs are not supported',
      'f.yml:1:61: needs[4]: expected a job name or {job, artifacts, optional}, got 3',
      'f.yml:1:83: needs[5]:optional: expected true or false, got "maybe"',
    ],
  );
  const many = `needs: [${Array.from({ length: MAX_NEEDS + 1 }, (_, i) => `j${i}`).join(', ')}]\n`;
  assert.deepEqual(read(many).errors, [
    `f.yml:1:8: needs: expected at most ${MAX_NEEDS} needs, got ${MAX_NEEDS + 1}`,
  ]);
});
