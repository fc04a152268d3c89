import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentChange, jobActions, pipelineActions } from './job-state.ts';

test('jobActions follows what the API accepts in each status', () => {
  const cases: [status: string, retried: boolean, expected: string[]][] = [
    ['manual', false, ['play', 'cancel']],
    ['scheduled', false, ['play', 'cancel']],
    ['created', false, ['cancel']],
    ['pending', false, ['cancel']],
    ['waiting_for_resource', false, ['cancel']],
    ['running', false, ['cancel']],
    ['success', false, ['retry']],
    ['failed', false, ['retry']],
    ['canceled', false, ['retry']],
    ['failed', true, []],
    ['skipped', false, []],
  ];
  for (const [status, retried, expected] of cases)
    assert.deepEqual(jobActions({ status, retried }), expected, `${status} retried=${retried}`);
});

test('pipelineActions: retry after a failure (not a broken file), cancel until finished', () => {
  const cases: [status: string, yamlErrors: string | null, expected: string[]][] = [
    ['running', null, ['cancel']],
    ['manual', null, ['cancel']],
    ['failed', null, ['retry']],
    ['canceled', null, ['retry']],
    ['success', null, []],
    ['failed', '.gantry.yml:1:1: bad', []],
  ];
  for (const [status, yaml_errors, expected] of cases)
    assert.deepEqual(pipelineActions({ status, yaml_errors }), expected, status);
});

test('environmentChange names deploys and stops only', () => {
  assert.deepEqual(environmentChange({ environment: { name: 'production', action: 'start' } }), {
    verb: 'deploy to',
    environment: 'production',
  });
  assert.deepEqual(environmentChange({ environment: { name: 'review/x', action: 'stop' } }), {
    verb: 'stop',
    environment: 'review/x',
  });
  assert.equal(environmentChange({ environment: { name: 'staging', action: 'prepare' } }), null);
  assert.equal(environmentChange({ environment: null }), null);
});
