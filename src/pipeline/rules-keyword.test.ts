import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import { readRules } from './rules-keyword.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string, kind: 'job' | 'workflow' = 'job') {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const rules = readRules(diagnostics, root.entries[0]!.value, 'rules', kind);
  return { rules, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads every rule clause', () => {
  const { rules, errors } = read(`rules:
  - if: $CI_COMMIT_TAG
    when: manual
    allow_failure: true
    variables: {TARGET: prod}
  - changes: [src/**/*]
    exists: [Dockerfile]
  - changes: {paths: [a], compare_to: refs/heads/main}
    when: delayed
    start_in: 5 minutes
  - when: never
`);
  assert.deepEqual(errors, []);
  assert.equal(rules?.length, 4);
  assert.deepEqual(rules?.[0], {
    if: {
      text: '$CI_COMMIT_TAG',
      expression: { type: 'value', operand: { type: 'variable', name: 'CI_COMMIT_TAG' } },
    },
    changes: null,
    exists: null,
    when: 'manual',
    allowFailure: true,
    startInSeconds: null,
    variables: [{ name: 'TARGET', value: 'prod', expand: true, description: null, options: null }],
  });
  assert.deepEqual(rules?.[1]?.changes, { paths: ['src/**/*'], compareTo: null });
  assert.deepEqual(rules?.[1]?.exists, ['Dockerfile']);
  assert.deepEqual(rules?.[2]?.changes, { paths: ['a'], compareTo: 'refs/heads/main' });
  assert.equal(rules?.[2]?.startInSeconds, 300);
  assert.equal(rules?.[3]?.when, 'never');
});

test('reports bad rules', () => {
  const { rules, errors } = read(`rules:
  - if: $A == 
  - when: sometimes
  - when: delayed
  - start_in: 1 hour
  - when: delayed
    start_in: 2 weeks
  - {}
  - needs: [a]
  - changes: {compare_to: main}
  - exists: Dockerfile
  - just a string
  - allow_failure: maybe
`);
  assert.equal(rules, undefined);
  assert.deepEqual(errors, [
    'f.yml:2:14: rules[0]:if: expected a variable, a "string", null or "(", got the end of the expression',
    'f.yml:3:11: rules[1]:when: expected one of on_success, on_failure, always, manual, delayed, never, got "sometimes"',
    'f.yml:4:11: rules[2]:when: when: delayed needs start_in',
    'f.yml:5:15: rules[3]:start_in: start_in needs when: delayed',
    'f.yml:7:15: rules[4]:start_in: expected a duration of at most 1 week, got "2 weeks"',
    'f.yml:8:5: rules[5]: expected at least one of if, changes, exists or when',
    'f.yml:9:5: rules[6]: unsupported keyword "needs": rules:needs is not supported; set needs: on the job',
    'f.yml:10:14: rules[7]:changes: expected paths: with a list of file patterns',
    'f.yml:11:13: rules[8]:exists: expected a list of file patterns, got "Dockerfile"',
    'f.yml:12:5: rules[9]: expected a rule (a mapping with if, changes, exists or when), got "just a string"',
    'f.yml:13:20: rules[10]:allow_failure: expected true or false, got "maybe"',
  ]);
});

test('workflow rules accept always and never only', () => {
  const { errors } = read('rules:\n  - when: manual\n  - allow_failure: true\n', 'workflow');
  assert.deepEqual(errors, [
    'f.yml:2:11: rules[0]:when: expected one of always, never, got "manual"',
    'f.yml:3:5: rules[1]: unknown keyword "allow_failure"; expected one of if, changes, exists, when, variables',
  ]);
});
