import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentStatus } from './deployment-status.ts';
import {
  deploymentStatusForExternalState,
  type ExternalDeploymentState,
} from './external-deployment-state.ts';

const table: Array<[ExternalDeploymentState, DeploymentStatus | null]> = [
  ['queued', 'created'],
  ['pending', 'created'],
  ['in_progress', 'running'],
  ['success', 'success'],
  ['failure', 'failed'],
  ['error', 'failed'],
  ['inactive', null],
];
for (const [state, status] of table) {
  test(`external ${state} → ${status ?? 'no change'}`, () =>
    assert.equal(deploymentStatusForExternalState(state), status));
}
