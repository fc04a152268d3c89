import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentRow, environmentRow } from '../../test/support/store-rows.ts';
import { findSnapshot, runningSnapshot } from './deployment-snapshots.ts';

const podman = { kind: 'podman', sha: 'a'.repeat(40), ref: 'main', tag: false, targetId: 2 };
const rows = new Map([
  [7, deploymentRow({ id: 7, snapshot: JSON.stringify(podman) })],
  [8, deploymentRow({ id: 8, snapshot: null })],
]);
const deployments = { findById: async (id: number) => rows.get(id) };

test('a deployment and its snapshot come back only when the snapshot is of the kind asked for', async () => {
  assert.deepEqual(await findSnapshot(deployments, 7, 'podman'), { row: rows.get(7), snapshot: podman });
  assert.equal(await findSnapshot(deployments, 7, 'kubernetes'), null);
  assert.equal(await findSnapshot(deployments, 8, 'podman'), null);
  assert.equal(await findSnapshot(deployments, 9, 'podman'), null);
});

test("what runs is the last successful deployment's snapshot, unless that is the deployment under way", async () => {
  const environment = environmentRow({ last_success_deployment_id: 7 });
  assert.deepEqual(await runningSnapshot(deployments, environment, 12, 'podman'), podman);
  assert.equal(await runningSnapshot(deployments, environment, 7, 'podman'), null);
  assert.equal(await runningSnapshot(deployments, environment, 12, 'kubernetes'), null);
  assert.equal(await runningSnapshot(deployments, environmentRow(), 12, 'podman'), null);
});
