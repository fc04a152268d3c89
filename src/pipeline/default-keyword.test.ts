import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDefaults } from './default-keyword.ts';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const defaults = readDefaults(diagnostics, root);
  return { defaults, errors: diagnostics.errors.map(formatPipelineError), warnings: diagnostics.warnings };
}

test('reads default: keywords', () => {
  const result = read(`default:
  image: ruby:3.3
  before_script: [bundle install]
  after_script: [echo done]
  artifacts: {paths: [log/], expire_in: 1 day}
  interruptible: true
  retry: 1
  tags: [docker]
  timeout: 30m
`);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.defaults, {
    image: 'ruby:3.3',
    beforeScript: ['bundle install'],
    afterScript: ['echo done'],
    artifacts: { paths: ['log/'], expireInSeconds: 86_400, when: 'on_success', dotenv: null, name: null },
    interruptible: true,
    retry: { max: 1, when: ['always'] },
    tags: ['docker'],
    timeoutSeconds: 1800,
  });
});

test('deprecated globals act as defaults, default: wins', () => {
  const result = read('image: old\nbefore_script: [a]\ndefault:\n  image: new\n');
  assert.deepEqual(result.defaults, { image: 'new', beforeScript: ['a'] });
  assert.deepEqual(result.warnings, [
    'f.yml:1:1: top-level image: is deprecated; use default:image',
    'f.yml:2:1: top-level before_script: is deprecated; use default:before_script',
  ]);
});

test('reports unsupported and bad defaults', () => {
  assert.deepEqual(read('default:\n  services: [postgres]\n  script: [x]\n  retry: 5\n').errors, [
    'f.yml:2:3: default: unsupported keyword "services": services are not supported by Gantry',
    'f.yml:3:3: default: unknown keyword "script"; expected one of after_script, artifacts, before_script, image, interruptible, retry, tags, timeout',
    'f.yml:4:10: default:retry: expected an integer from 0 to 2, got 5',
  ]);
});
