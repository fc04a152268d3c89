import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBenchServer } from './bench-server.ts';
import { CleanupRegistry } from './cleanup-registry.ts';
import { planDeploymentSeed, seededRandom } from './deployment-seed-plan.ts';
import { randomHex, SEEDED_USERS, seedDeployments } from './deployment-seeder.ts';

const TOKEN = 'deployment-seeder-test-token';

test('seeds the plan: projects and users through the API, environments and deployments with their pointers', async () => {
  const cleanup = new CleanupRegistry(() => {});
  try {
    const { server } = await startBenchServer('sqlite', cleanup, {
      adminToken: TOKEN,
      dataDirPrefix: 'gantry-deployment-seeder-test-',
    });
    const plan = planDeploymentSeed({ projects: 2, environments: 9, deployments: 120 });
    // Three projects for a plan over two: the last one stays empty.
    const seeded = await seedDeployments(server, TOKEN, plan, { projects: 3, batch: 7 });
    const db = server.store.db;

    assert.equal(seeded.projectIds.length, 3);
    assert.equal(seeded.environmentIds.length, 9);
    const environments = await db.selectFrom('environments').selectAll().orderBy('id').execute();
    assert.deepEqual(
      environments.map((row) => [row.id, row.project_id, row.name]),
      plan.environments.map((planned, i) => [
        seeded.environmentIds[i],
        seeded.projectIds[planned.project],
        planned.name,
      ]),
    );
    const deployments = await db.selectFrom('deployments').selectAll().orderBy('id').execute();
    assert.deepEqual(
      deployments.map((row) => row.environment_id),
      [...plan.order].map((index) => seeded.environmentIds[index]),
    );
    // Each project numbers its deployments 1, 2, … and its counter says where it stopped.
    for (const projectId of seeded.projectIds.slice(0, 2)) {
      const iids = deployments.filter((row) => row.project_id === projectId).map((row) => row.iid);
      assert.deepEqual(
        iids,
        iids.map((_, i) => i + 1),
      );
      const counter = await db
        .selectFrom('internal_ids')
        .select('last_value')
        .where('project_id', '=', projectId)
        .where('usage', '=', 'deployments')
        .executeTakeFirstOrThrow();
      assert.equal(counter.last_value, iids.length);
    }
    for (const environment of environments) {
      const own = deployments.filter((row) => row.environment_id === environment.id);
      assert.equal(environment.last_deployment_id, own.at(-1)?.id ?? null);
      const lastSuccess = own.filter((row) => row.status === 'success' && row.action === 'start').at(-1);
      assert.equal(environment.last_success_deployment_id, lastSuccess?.id ?? null);
    }

    // The member sees the projects they were added to (up to 10: here all three).
    const users = await db.selectFrom('users').select('username').execute();
    assert.equal(users.filter((user) => user.username.startsWith('deployer-')).length, SEEDED_USERS);
    const response = await fetch(`${server.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${seeded.memberToken}` },
    });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as unknown[]).length, 3);
  } finally {
    await cleanup.cleanUp();
  }
});

test('randomHex draws the asked number of hexadecimal digits, the same for the same seed', () => {
  const a = randomHex(seededRandom(3), 40);
  assert.match(a, /^[0-9a-f]{40}$/);
  assert.equal(randomHex(seededRandom(3), 40), a);
  assert.equal(randomHex(seededRandom(3), 5), a.slice(0, 5));
});
