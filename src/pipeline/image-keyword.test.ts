import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { readImage } from './image-keyword.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const image = readImage(diagnostics, root.entries[0]!.value, 'image');
  return { image, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads both forms', () => {
  assert.deepEqual(read('image: node:24\n'), { image: 'node:24', errors: [] });
  assert.deepEqual(read('image: {name: $REGISTRY/app:1}\n'), { image: '$REGISTRY/app:1', errors: [] });
});

test('reports bad values', () => {
  assert.deepEqual(read('image: 3\n').errors, [
    'f.yml:1:8: image: expected an image reference or {name}, got 3',
  ]);
  assert.deepEqual(read('image: {entrypoint: [""]}\n').errors, [
    'f.yml:1:9: image: unsupported keyword "entrypoint": image:entrypoint is not supported',
    'f.yml:1:8: image:name: expected an image reference, got a mapping',
  ]);
});
