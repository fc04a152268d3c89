import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCondition } from './condition-keyword.ts';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const condition = readCondition(diagnostics, root.entries[0]!.value, 'if');
  return { condition, errors: diagnostics.errors.map(formatPipelineError) };
}

test('parses valid expressions', () => {
  const { condition, errors } = read('if: $CI_COMMIT_TAG\n');
  assert.deepEqual(errors, []);
  assert.deepEqual(condition, {
    text: '$CI_COMMIT_TAG',
    expression: { type: 'value', operand: { type: 'variable', name: 'CI_COMMIT_TAG' } },
  });
});

test('points at the exact column inside plain, quoted and folded scalars', () => {
  assert.deepEqual(read('if: $A == main\n').errors, [
    'f.yml:1:11: if: unexpected word "main"; quote strings ("main") and write variables as $main',
  ]);
  assert.deepEqual(read(`if: '$A == ''x'' &&'\n`).errors, [
    'f.yml:1:20: if: expected a variable, a "string", null or "(", got the end of the expression',
  ]);
  assert.deepEqual(read('if: "$A =~ /(x/"\n').errors, [
    'f.yml:1:13: if: invalid regular expression: unterminated group; expected ")"',
  ]);
  assert.deepEqual(read('if: >-\n  $A == "x" &&\n  $B === "y"\n').errors, [
    'f.yml:3:8: if: unexpected "="; expected ==, !=, =~, !~, && or ||',
  ]);
  assert.deepEqual(read('if: 42\n').errors, [
    'f.yml:1:5: if: expected an expression such as $CI_COMMIT_BRANCH == "main", got 42',
  ]);
});
