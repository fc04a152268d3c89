import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import { readVariables } from './variables-keyword.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string, scope: 'global' | 'job' = 'global') {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const variables = readVariables(diagnostics, root.entries[0]!.value, 'variables', scope);
  return { variables, errors: diagnostics.errors.map(formatPipelineError) };
}

const plain = (name: string, value: string) => ({
  name,
  value,
  expand: true,
  description: null,
  options: null,
});

test('reads strings, numbers and the long form', () => {
  const result = read(`variables:
  A: text
  B: 42
  C: 1.5
  D: ""
  E: {value: "$X", expand: false}
  F: {value: staging, description: Where to deploy, options: [staging, production]}
  G: {description: Only a description}
`);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.variables, [
    plain('A', 'text'),
    plain('B', '42'),
    plain('C', '1.5'),
    plain('D', ''),
    { name: 'E', value: '$X', expand: false, description: null, options: null },
    {
      name: 'F',
      value: 'staging',
      expand: true,
      description: 'Where to deploy',
      options: ['staging', 'production'],
    },
    { name: 'G', value: '', expand: true, description: 'Only a description', options: null },
  ]);
});

test('reports bad names and values', () => {
  const result = read(`variables:
  OK: fine
  BAD-NAME: x
  FLAG: true
  NOTHING:
  LIST: [a]
  OPT: {value: c, options: [a, b]}
  EXP: {value: x, expand: "no"}
`);
  assert.deepEqual(result.errors, [
    'f.yml:3:3: variables:BAD-NAME: a variable name may contain only letters, digits and _',
    'f.yml:4:9: variables:FLAG: expected a string or a number, got true (quote it: "true")',
    'f.yml:5:11: variables:NOTHING: expected a string or a number, got null',
    'f.yml:6:9: variables:LIST: expected a string or a number, got a list',
    'f.yml:7:16: variables:OPT: value "c" must be one of options',
    'f.yml:8:27: variables:EXP:expand: expected true or false, got "no"',
  ]);
  assert.deepEqual(result.variables, [plain('OK', 'fine')]);
});

test('job variables accept only value and expand', () => {
  const result = read('variables:\n  A: {value: x, description: d}\n', 'job');
  assert.deepEqual(result.errors, [
    'f.yml:2:17: variables:A: unsupported keyword "description": description: is only allowed in top-level variables',
  ]);
  assert.deepEqual(read('variables: [a]\n').errors, [
    'f.yml:1:12: variables: expected a mapping of variable names to values, got a list',
  ]);
});
