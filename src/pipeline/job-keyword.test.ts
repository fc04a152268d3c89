import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobDefaults } from './default-keyword.ts';
import { createDiagnostics } from './diagnostics.ts';
import { readJob } from './job-keyword.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

const stages = ['.pre', 'build', 'test', 'deploy', '.post'];

function read(yaml: string, defaults: JobDefaults = {}) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const entry = root.entries[0]!;
  const diagnostics = createDiagnostics();
  const result = readJob(diagnostics, entry.key, entry.value as YamlMap, entry.keyPosition, defaults, stages);
  return { ...result, errors: diagnostics.errors.map(formatPipelineError) };
}

test('normalizes a full job', () => {
  const { job, errors } = read(`build:
  stage: build
  image: {name: node:24}
  before_script: [npm ci]
  script: npm run build
  after_script: [echo done]
  variables: {NODE_ENV: production}
  when: delayed
  start_in: 5m
  allow_failure: {exit_codes: 3}
  needs: [{job: lint, artifacts: false}]
  dependencies: [lint]
  artifacts: {paths: [dist/]}
  environment: {name: production, on_stop: stop}
  resource_group: prod
  retry: {max: 2, when: script_failure}
  timeout: 1h
  tags: [docker]
  interruptible: true
`);
  assert.deepEqual(errors, []);
  const { position, needs, ...rest } = job!;
  assert.deepEqual(position, { file: 'f.yml', line: 1, column: 1 });
  assert.deepEqual(
    needs?.map((need) => [need.job, need.artifacts, need.optional]),
    [['lint', false, false]],
  );
  assert.deepEqual(rest, {
    name: 'build',
    stage: 'build',
    when: 'delayed',
    startInSeconds: 300,
    allowFailure: false,
    allowFailureExitCodes: [3],
    rules: null,
    only: null,
    except: null,
    dependencies: ['lint'],
    image: 'node:24',
    beforeScript: ['npm ci'],
    script: ['npm run build'],
    afterScript: ['echo done'],
    variables: [{ name: 'NODE_ENV', value: 'production', expand: true, description: null, options: null }],
    artifacts: { paths: ['dist/'], expireInSeconds: 2_592_000, when: 'on_success', dotenv: null, name: null },
    environment: {
      name: 'production',
      url: null,
      action: 'start',
      onStop: 'stop',
      autoStopInSeconds: null,
      deploymentTier: null,
      kubernetesNamespace: null,
    },
    resourceGroup: 'prod',
    retry: { max: 2, when: ['script_failure'] },
    timeoutSeconds: 3600,
    tags: ['docker'],
    interruptible: true,
    deploy: null,
  });
});

test('applies defaults only where the job is silent; deploy jobs skip default scripts', () => {
  const defaults: JobDefaults = {
    image: 'alpine',
    beforeScript: ['setup'],
    afterScript: ['teardown'],
    tags: ['x'],
    timeoutSeconds: 60,
    interruptible: true,
    retry: { max: 1, when: ['always'] },
  };
  const scripted = read('j:\n  script: run\n  tags: [mine]\n', defaults).job!;
  assert.deepEqual(
    [
      scripted.image,
      scripted.beforeScript,
      scripted.afterScript,
      scripted.tags,
      scripted.timeoutSeconds,
      scripted.interruptible,
      scripted.retry.max,
      scripted.stage,
    ],
    ['alpine', ['setup'], ['teardown'], ['mine'], 60, true, 1, 'test'],
  );
  const deploying = read('p:\n  environment: prod\n  deploy: {manifests: k8s}\n', defaults).job!;
  assert.deepEqual([deploying.script, deploying.beforeScript, deploying.afterScript], [[], [], []]);
});

test('reports conflicting and missing keywords', () => {
  assert.deepEqual(read('j:\n  image: x\n').errors, [
    'f.yml:1:1: job "j": expected script: (commands to run) or deploy:',
  ]);
  assert.deepEqual(read('j:\n  script: x\n  rules: [{when: always}]\n  except: [main]\n').errors, [
    'f.yml:3:3: job "j" rules: cannot be used together with only: or except:',
  ]);
  assert.deepEqual(read('j:\n  environment: prod\n  before_script: [x]\n  deploy: {manifests: k}\n').errors, [
    'f.yml:3:3: job "j" before_script: cannot be used with deploy:',
  ]);
  assert.deepEqual(read('j:\n  script: x\n  stage: nope\n').errors, [
    'f.yml:3:10: job "j" stage: stage "nope" is not defined in stages (.pre, build, test, deploy, .post)',
  ]);
  assert.deepEqual(read('j:\n  script: x\n  allow_failure: {exit_codes: []}\n').errors, [
    'f.yml:3:31: job "j" allow_failure:exit_codes: expected at least one exit code',
  ]);
});

test('returns the graph node even when the job has errors', () => {
  const { job, graph } = read(
    'j:\n  script: 3\n  needs: [a]\n  dependencies: [b]\n  environment: {name: e, on_stop: s}\n',
  );
  assert.equal(job, undefined);
  assert.equal(graph.stage, 'test');
  assert.deepEqual(
    graph.dependencies.map((d) => d.name),
    ['b'],
  );
  assert.equal(graph.onStop?.name, 's');
  assert.ok(Array.isArray(graph.needs));
  assert.equal(read('j:\n  script: x\n  needs: a\n').graph.needs, 'invalid');
});
