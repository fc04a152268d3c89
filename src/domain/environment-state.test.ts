import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EnvironmentEvent, type EnvironmentState, nextEnvironmentState } from './environment-state.ts';

// Every state × event: [state, event, next state].
const table: Array<[EnvironmentState, EnvironmentEvent, EnvironmentState]> = [
  ['available', 'deploy_started', 'available'],
  ['stopping', 'deploy_started', 'available'],
  ['stopped', 'deploy_started', 'available'],
  ['available', 'stop_job_started', 'stopping'],
  ['stopping', 'stop_job_started', 'stopping'],
  ['stopped', 'stop_job_started', 'stopped'],
  ['available', 'stop_succeeded', 'stopped'],
  ['stopping', 'stop_succeeded', 'stopped'],
  ['stopped', 'stop_succeeded', 'stopped'],
  ['available', 'stop_failed', 'available'],
  ['stopping', 'stop_failed', 'available'],
  ['stopped', 'stop_failed', 'stopped'],
  ['available', 'stopped_without_job', 'stopped'],
  ['stopping', 'stopped_without_job', 'stopped'],
  ['stopped', 'stopped_without_job', 'stopped'],
];
for (const [state, event, next] of table) {
  test(`${state} + ${event} → ${next}`, () => assert.equal(nextEnvironmentState(state, event), next));
}
