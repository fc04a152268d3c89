import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import { readWorkflow } from './workflow-keyword.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const diagnostics = createDiagnostics();
  const node = (parseYamlSource('f.yml', yaml).root as YamlMap).entries[0]!.value;
  return { workflow: readWorkflow(diagnostics, node), errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads name and rules', () => {
  const result = read(
    'workflow:\n  name: Pipeline for $CI_COMMIT_REF_NAME\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: always\n',
  );
  assert.deepEqual(result.errors, []);
  assert.equal(result.workflow.name, 'Pipeline for $CI_COMMIT_REF_NAME');
  assert.deepEqual(
    result.workflow.rules?.map((rule) => rule.when),
    ['never', 'always'],
  );
  assert.deepEqual(readWorkflow(createDiagnostics(), undefined), { name: null, rules: null });
});

test('reports bad workflow keys', () => {
  assert.deepEqual(
    read('workflow:\n  auto_cancel: {on_new_commit: interruptible}\n  name: 3\n  rule: []\n').errors,
    [
      'f.yml:2:3: workflow: unsupported keyword "auto_cancel": workflow:auto_cancel is not supported',
      'f.yml:4:3: workflow: unknown keyword "rule" (did you mean "rules"?)',
      'f.yml:3:9: workflow:name: expected a pipeline name, got 3',
    ],
  );
});
