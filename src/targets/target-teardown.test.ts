import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentRow, environmentRow } from '../../test/support/store-rows.ts';
import type { DeploymentRow, NewDeployment } from '../store/repositories/deployment-repository.ts';
import type { TargetRow } from '../store/repositories/target-repository.ts';
import { TargetTeardown, type TeardownSteps } from './target-teardown.ts';

const environment = environmentRow({ last_deployment_id: 7, last_success_deployment_id: 7 });

const target: TargetRow = {
  id: 2,
  project_id: 1,
  name: 'host',
  kind: 'podman',
  environment_scope: '*',
  config: '{}',
  secret_encrypted: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

const snapshot = (kind: string) => ({ kind, sha: 'a'.repeat(40), ref: 'main', tag: false, targetId: 2 });

function setup(
  current: DeploymentRow,
  options: { targetGone?: boolean; failing?: boolean; databaseGone?: boolean } = {},
) {
  const rows = new Map([[current.id, current]]);
  const tookDown: string[] = [];
  const settled: string[] = [];
  const logged: string[] = [];
  const step = async (_: TargetRow, taken: { kind: string }) => {
    tookDown.push(taken.kind);
    if (options.failing) throw new Error('host unreachable');
  };
  const steps: TeardownSteps = {
    kubernetes: step,
    podman: step,
    ssh: step,
    s3: step,
    sftp: step,
    ansible: step,
  };
  const teardown = new TargetTeardown({
    deployments: {
      findById: async (id) => rows.get(id),
      insert: async (values: NewDeployment) => {
        const row = deploymentRow({ ...values, id: rows.size + 100 });
        rows.set(row.id, row);
        return row;
      },
      transition: async (id, from, values) => {
        if (options.databaseGone) throw new Error('database is closed');
        const row = rows.get(id);
        if (!row || !from.includes(row.status)) return undefined;
        const updated = { ...row, ...values } as DeploymentRow;
        rows.set(id, updated);
        return updated;
      },
    },
    environments: { findById: async (id) => (id === environment.id ? environment : undefined) },
    targets: { findById: async (id) => (id === target.id && !options.targetGone ? target : undefined) },
    recorder: {
      updateEnvironment: async (deployment) => void settled.push(`environment ${deployment.status}`),
      publish: (deployment) => void settled.push(`published ${deployment.status}`),
    },
    steps,
    log: (line) => logged.push(line),
  });
  return { teardown, tookDown, settled, logged };
}

test("a stop deployment takes down what the current deployment's target kind put there", async () => {
  for (const kind of ['kubernetes', 'podman', 'ssh', 's3', 'sftp', 'ansible']) {
    const current = deploymentRow({ id: 7, snapshot: JSON.stringify(snapshot(kind)) });
    const { teardown, tookDown, settled, logged } = setup(current);
    const stop = await teardown.stop(environment, 3);
    assert.equal(stop?.action, 'stop', kind);
    assert.equal(stop?.status, 'running');
    assert.equal(stop?.user_id, 3);
    assert.equal(stop?.snapshot, current.snapshot);
    await teardown.idle();
    assert.deepEqual(tookDown, [kind]);
    assert.deepEqual(settled, [
      'environment running',
      'published running',
      'environment success',
      'published success',
    ]);
    assert.deepEqual(logged, []);
  }
});

test('an environment not deployed by a built-in deployer, or not running one, is left to others', async () => {
  for (const current of [
    deploymentRow({ id: 7, snapshot: JSON.stringify(snapshot('script')) }),
    deploymentRow({ id: 7, snapshot: null }),
    deploymentRow({ id: 7, snapshot: JSON.stringify(snapshot('podman')), action: 'stop' }),
  ]) {
    const { teardown, tookDown } = setup(current);
    assert.equal(await teardown.stop(environment, null), undefined);
    assert.deepEqual(tookDown, []);
  }
  const { teardown } = setup(deploymentRow({ id: 7, snapshot: JSON.stringify(snapshot('podman')) }));
  assert.equal(await teardown.stop({ ...environment, last_success_deployment_id: null }, null), undefined);
});

test('a failed take-down, or a target gone, fails the stop deployment and says why', async () => {
  const current = deploymentRow({ id: 7, snapshot: JSON.stringify(snapshot('podman')) });
  const failing = setup(current, { failing: true });
  await failing.teardown.stop(environment, null);
  await failing.teardown.idle();
  assert.equal(failing.settled.at(-1), 'published failed');
  assert.deepEqual(failing.logged, ['stopping environment 5 failed: host unreachable']);

  const gone = setup(current, { targetGone: true });
  await gone.teardown.stop(environment, null);
  await gone.teardown.idle();
  assert.deepEqual(gone.tookDown, []);
  assert.equal(gone.settled.at(-1), 'published failed');
  assert.deepEqual(gone.logged, [
    'stopping environment 5 failed: target 2, which deployed the environment, is gone',
  ]);
});

test('an outcome that cannot be recorded is logged; the stop never becomes an unhandled rejection', async () => {
  const current = deploymentRow({ id: 7, snapshot: JSON.stringify(snapshot('podman')) });
  const { teardown, logged } = setup(current, { databaseGone: true });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    assert.equal((await teardown.stop(environment, 3))?.status, 'running');
    await teardown.idle();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
    assert.ok(
      logged.some((line) => /database is closed/.test(line)),
      logged.join('\n'),
    );
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
