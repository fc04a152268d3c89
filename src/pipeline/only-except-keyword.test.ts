import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { readRefFilter } from './only-except-keyword.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const filter = readRefFilter(diagnostics, root.entries[0]!.value, 'only');
  return { filter, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads the list and mapping forms', () => {
  assert.deepEqual(read('only: [main, /^release-.*$/, tags]\n'), {
    filter: { refs: ['main', '/^release-.*$/', 'tags'], variables: null, changes: null },
    errors: [],
  });
  const mapped = read('only:\n  refs: [branches]\n  variables: [$DEPLOY == "yes"]\n  changes: [src/**/*]\n');
  assert.deepEqual(mapped.errors, []);
  assert.deepEqual(mapped.filter?.refs, ['branches']);
  assert.equal(mapped.filter?.variables?.[0]?.text, '$DEPLOY == "yes"');
  assert.deepEqual(mapped.filter?.changes, ['src/**/*']);
});

test('reports bad forms with positions', () => {
  assert.deepEqual(read('only: main\n').errors, [
    'f.yml:1:7: only: expected a list of refs or a mapping with refs, variables or changes, got "main"',
  ]);
  assert.deepEqual(read('only: [main, 3]\n').errors, [
    'f.yml:1:14: only[1]: expected a non-empty string, got 3',
  ]);
  assert.deepEqual(read('only: ["/ab(c/"]\n').errors, [
    'f.yml:1:12: only[0]: invalid regular expression: unterminated group; expected ")"',
  ]);
  assert.deepEqual(read('only: {refs: [main], kubernetes: active, variables: [$A ==]}\n').errors, [
    'f.yml:1:22: only: unsupported keyword "kubernetes": only:kubernetes is not supported',
    'f.yml:1:59: only:variables[0]: expected a variable, a "string", null or "(", got the end of the expression',
  ]);
});
