import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { readEnvironment } from './environment-keyword.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const environment = readEnvironment(diagnostics, root.entries[0]!.value, 'environment');
  return { environment, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads the string and mapping forms', () => {
  assert.deepEqual(read('environment: production\n').environment, {
    name: 'production',
    url: null,
    action: 'start',
    onStop: null,
    autoStopInSeconds: null,
    deploymentTier: null,
    kubernetesNamespace: null,
  });
  const full = read(`environment:
  name: review/$CI_COMMIT_REF_SLUG
  url: https://$CI_ENVIRONMENT_SLUG.example.com
  on_stop: stop_review
  auto_stop_in: 1 week
  deployment_tier: development
  kubernetes: {namespace: review}
`);
  assert.deepEqual(full.errors, []);
  assert.deepEqual(full.environment, {
    name: 'review/$CI_COMMIT_REF_SLUG',
    url: 'https://$CI_ENVIRONMENT_SLUG.example.com',
    action: 'start',
    onStop: 'stop_review',
    autoStopInSeconds: 604_800,
    deploymentTier: 'development',
    kubernetesNamespace: 'review',
  });
  assert.equal(
    read('environment: {name: x, action: stop, auto_stop_in: never}\n').environment?.action,
    'stop',
  );
});

test('reports bad values', () => {
  assert.deepEqual(read('environment: {url: https://x}\n').errors, [
    "f.yml:1:14: environment: expected name: with the environment's name",
  ]);
  assert.deepEqual(
    read(
      'environment: {name: "prod!", action: deploy, deployment_tier: prod, kubernetes: {agent: a}, auto_stop_in: later}\n',
    ).errors,
    [
      'f.yml:1:21: environment:name: expected letters, digits, spaces and - _ / $ { } . (not starting or ending with /, at most 255 characters), got "prod!"',
      'f.yml:1:38: environment:action: expected one of start, prepare, verify, access, stop, got "deploy"',
      'f.yml:1:107: environment:auto_stop_in: expected a duration such as "30 minutes", "1h 30m" or "2 days", or never, got "later"',
      'f.yml:1:63: environment:deployment_tier: expected one of production, staging, testing, development, other, got "prod"',
      'f.yml:1:82: environment:kubernetes: unsupported keyword "agent": only kubernetes:namespace is supported',
    ],
  );
  assert.deepEqual(read('environment: [a]\n').errors, [
    'f.yml:1:14: environment: expected an environment name or a mapping with name:, got a list',
  ]);
});
