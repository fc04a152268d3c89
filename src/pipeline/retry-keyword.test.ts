import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import { readRetry } from './retry-keyword.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const retry = readRetry(diagnostics, root.entries[0]!.value, 'retry');
  return { retry, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads both forms', () => {
  assert.deepEqual(read('retry: 2\n'), { retry: { max: 2, when: ['always'] }, errors: [] });
  assert.deepEqual(read('retry: {max: 1, when: runner_system_failure}\n').retry, {
    max: 1,
    when: ['runner_system_failure'],
  });
  assert.deepEqual(read('retry: {max: 2, when: [script_failure, api_failure]}\n').retry, {
    max: 2,
    when: ['script_failure', 'api_failure'],
  });
});

test('reports bad values', () => {
  assert.deepEqual(read('retry: 3\n').errors, ['f.yml:1:8: retry: expected an integer from 0 to 2, got 3']);
  assert.deepEqual(read('retry: {when: always}\n').errors, [
    'f.yml:1:8: retry: expected max: with an integer from 0 to 2',
  ]);
  assert.deepEqual(read('retry: {max: 1, when: [script_failure, flaky], exit_codes: [1]}\n').errors, [
    'f.yml:1:48: retry: unsupported keyword "exit_codes": retry:exit_codes is not supported; use retry:when',
    `f.yml:1:40: retry:when[1]: expected one of always, unknown_failure, script_failure, api_failure, stuck_or_timeout_failure, runner_system_failure, runner_unsupported, stale_schedule, job_execution_timeout, archived_failure, unmet_prerequisites, scheduler_failure, data_integrity_failure, got "flaky"`,
  ]);
});
