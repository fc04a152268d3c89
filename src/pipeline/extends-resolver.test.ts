import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { MAX_EXTENDS_DEPTH, resolveExtends } from './extends-resolver.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap, YamlNode } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function plain(node: YamlNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
}

function resolve(yaml: string, targets?: string[]) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const definitions = new Map(root.entries.map((entry) => [entry.key, entry.value]));
  const diagnostics = createDiagnostics();
  const names = targets ?? root.entries.map((entry) => entry.key).filter((key) => !key.startsWith('.'));
  const resolved = resolveExtends(diagnostics, definitions, names);
  return {
    jobs: Object.fromEntries([...resolved].map(([name, map]) => [name, plain(map)])),
    errors: diagnostics.errors.map(formatPipelineError),
  };
}

test('merges parents in order, multi-level, with the job on top', () => {
  const result = resolve(`
.base:
  image: alpine
  variables: {A: base, B: base}
  script: [base]
  tags: [docker]
.tests:
  extends: .base
  variables: {B: tests, C: tests}
  rules: [{if: $CI}]
.deploy:
  stage: deploy
  script: [deploy]
job:
  extends: [.tests, .deploy]
  variables: {C: job}
  tags: [k8s]
`);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.jobs.job, {
    image: 'alpine',
    variables: { A: 'base', B: 'tests', C: 'job' },
    script: ['deploy'],
    tags: ['k8s'],
    rules: [{ if: '$CI' }],
    stage: 'deploy',
  });
});

test('a visible job can be a parent', () => {
  const result = resolve('a: {script: x, stage: build}\nb: {extends: a, stage: test}\n');
  assert.deepEqual(result.jobs.b, { script: 'x', stage: 'test' });
});

test('reports unknown parents, bad values and cycles', () => {
  const result = resolve(`
a: {extends: .nope, script: x}
b: {extends: [c, 3], script: x}
c: {extends: d, script: x}
d: {extends: b, script: x}
e: {extends: .list, script: x}
.list: [1]
f: {extends: {x: 1}}
`);
  assert.deepEqual(result.errors, [
    'f.yml:2:14: job "a" extends: job ".nope" is not defined',
    'f.yml:3:18: job "b" extends[1]: expected a job name, got 3',
    'f.yml:5:14: job "d" extends: circular extends b → c → d → b',
    'f.yml:6:14: job "e" extends: ".list" is a list, not a job (a mapping)',
    'f.yml:8:14: job "f" extends: expected a job name or a list of job names, got a mapping',
  ]);
  assert.deepEqual(result.jobs.a, { script: 'x' });
});

test('limits depth to ten levels', () => {
  const chain = (levels: number) => {
    const lines = ['.j0: {script: x}'];
    for (let i = 1; i < levels; i++) lines.push(`.j${i}: {extends: .j${i - 1}}`);
    lines.push(`job: {extends: .j${levels - 1}}`);
    return resolve(lines.join('\n'), ['job']);
  };
  assert.deepEqual(chain(MAX_EXTENDS_DEPTH).errors, []);
  assert.deepEqual(chain(MAX_EXTENDS_DEPTH + 1).errors, [
    `f.yml:12:16: job "job" extends: extends nest deeper than ${MAX_EXTENDS_DEPTH} levels`,
  ]);
  assert.deepEqual(chain(MAX_EXTENDS_DEPTH + 3).errors.length, 1);
});
