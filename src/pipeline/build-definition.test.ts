import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDefinition } from './build-definition.ts';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function build(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const definition = buildDefinition(diagnostics, root, ['f.yml']);
  return { definition, errors: diagnostics.errors.map(formatPipelineError), warnings: diagnostics.warnings };
}

test('builds a definition: stages, variables, workflow, jobs in order, hidden jobs skipped', () => {
  const { definition, errors } = build(`
stages: [build, test]
variables: {A: "1"}
workflow: {name: pipeline}
.template: {script: tmpl, tags: [t]}
.anchor: &a [x]
b: {stage: build, script: b}
a: {extends: .template}
`);
  assert.deepEqual(errors, []);
  assert.deepEqual(definition?.stages, ['.pre', 'build', 'test', '.post']);
  assert.deepEqual(
    definition?.variables.map((v) => v.name),
    ['A'],
  );
  assert.equal(definition?.workflow.name, 'pipeline');
  assert.deepEqual(
    definition?.jobs.map((job) => [job.name, job.stage, job.script, job.tags]),
    [
      ['b', 'build', ['b'], []],
      ['a', 'test', ['tmpl'], ['t']],
    ],
  );
  assert.deepEqual(definition?.files, ['f.yml']);
});

test('reports top-level problems and every job problem together', () => {
  const { definition, errors } = build(`
cache: {paths: [x]}
varaibles: {A: 1}
notajob: 3
ok: {script: x, needs: [missing]}
bad: {script: 5}
`);
  assert.equal(definition, undefined);
  assert.deepEqual(errors, [
    'f.yml:2:1: unsupported keyword "cache": caches are not supported by Gantry',
    'f.yml:3:1: unknown keyword "varaibles" (did you mean "variables"?)',
    'f.yml:4:1: unknown keyword "notajob"; a job must be a mapping with script: or deploy:, got 3',
    'f.yml:6:15: job "bad" script: expected a string or a list of strings, got 5',
    'f.yml:5:25: job "ok" needs[0]: job "missing" is not defined',
  ]);
});

test('requires a visible job; warns about deprecated globals', () => {
  assert.deepEqual(build('.only-hidden: {script: x}\n').errors, [
    'f.yml:1:1: expected at least one visible job (hidden jobs, whose names start with ".", do not run)',
  ]);
  assert.deepEqual(build('image: alpine\njob: {script: x}\n').warnings, [
    'f.yml:1:1: top-level image: is deprecated; use default:image',
  ]);
});
