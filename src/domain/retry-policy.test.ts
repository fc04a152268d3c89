import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shouldRetry } from './retry-policy.ts';

const cases: Array<[string, { max: number; when: string[] }, number, string | null, boolean]> = [
  ['no retry configured', { max: 0, when: ['always'] }, 0, 'script_failure', false],
  ['first failure, max 2', { max: 2, when: ['always'] }, 0, 'script_failure', true],
  ['second failure, max 2', { max: 2, when: ['always'] }, 1, 'script_failure', true],
  ['third failure, max 2', { max: 2, when: ['always'] }, 2, 'script_failure', false],
  ['max above 2 is capped', { max: 5, when: ['always'] }, 2, 'script_failure', false],
  ['reason listed', { max: 1, when: ['runner_system_failure'] }, 0, 'runner_system_failure', true],
  ['reason not listed', { max: 1, when: ['runner_system_failure'] }, 0, 'script_failure', false],
  ['unknown reason only with always', { max: 1, when: ['script_failure'] }, 0, null, false],
];
for (const [name, policy, attempt, reason, expected] of cases) {
  test(name, () => assert.equal(shouldRetry(policy, attempt, reason), expected));
}
