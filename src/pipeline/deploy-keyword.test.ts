import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDeploy } from './deploy-keyword.ts';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const deploy = readDeploy(diagnostics, root.entries[0]!.value, 'job "p" deploy');
  return { deploy, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads the brief example', () => {
  const result = read(`deploy:
  manifests: k8s/
  images:
    web: $CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA
  containers: [web]
  strategy: { steps: [10, 50, 100], pause: 2m }
  timeout: 5m
`);
  assert.deepEqual(result, {
    deploy: {
      manifests: 'k8s/',
      images: { web: '$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA' },
      containers: ['web'],
      strategy: { steps: [10, 50, 100], pauseSeconds: 120 },
      timeoutSeconds: 300,
    },
    errors: [],
  });
  assert.deepEqual(read('deploy: {manifests: chart/}\n').deploy, {
    manifests: 'chart/',
    images: {},
    containers: null,
    strategy: null,
    timeoutSeconds: null,
  });
  assert.deepEqual(read('deploy: {manifests: k8s, strategy: {steps: [100]}}\n').deploy?.strategy, {
    steps: [100],
    pauseSeconds: 0,
  });
});

test('reports every problem', () => {
  assert.deepEqual(read('deploy: {images: {web: x}}\n').errors, [
    'f.yml:1:9: job "p" deploy: expected manifests: with a path to the manifests',
  ]);
  assert.deepEqual(
    read(`deploy:
  manifests: k8s
  images: {Web: x, api: 3}
  containers: [db]
  strategy: {steps: [10, 5, 120, 50], pause: soon}
  timeout: forever
  replicas: 3
`).errors,
    [
      'f.yml:7:3: job "p" deploy: unknown keyword "replicas"; expected one of manifests, images, containers, strategy, timeout',
      'f.yml:3:12: job "p" deploy:images:Web: a container name is lowercase letters, digits and - (a DNS label)',
      'f.yml:3:25: job "p" deploy:images:api: expected an image reference, got 3',
      'f.yml:4:16: job "p" deploy:containers[0]: container "db" has no image in deploy:images',
      'f.yml:5:26: job "p" deploy:strategy:steps[1]: expected steps in ascending order, got 5 after 10',
      'f.yml:5:29: job "p" deploy:strategy:steps[2]: expected a percentage from 1 to 100, got 120',
      'f.yml:5:46: job "p" deploy:strategy:pause: expected a duration such as "30 minutes", "1h 30m" or "2 days", got "soon"',
      'f.yml:6:12: job "p" deploy:timeout: expected a duration such as "30 minutes", "1h 30m" or "2 days", got "forever"',
    ],
  );
  assert.deepEqual(read('deploy: {manifests: k, strategy: {steps: [10, 50]}}\n').errors, [
    'f.yml:1:42: job "p" deploy:strategy:steps: expected the last step to be 100, got 50',
  ]);
  assert.deepEqual(read('deploy: {manifests: k, strategy: {pause: 1m}}\n').errors, [
    'f.yml:1:34: job "p" deploy:strategy: expected steps: with percentages of replicas ending at 100',
  ]);
});
