import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planDeploymentSeed, seededRandom } from './deployment-seed-plan.ts';

test('environments are spread over projects with the fixed names first, then review apps', () => {
  const plan = planDeploymentSeed({ projects: 3, environments: 20, deployments: 1000 });
  assert.equal(plan.environments.length, 20);
  const ofProject = (p: number) => plan.environments.filter((e) => e.project === p).map((e) => e.name);
  assert.deepEqual(ofProject(0).slice(0, 6), [
    'production',
    'staging',
    'testing',
    'development',
    'review/feature-001',
    'review/feature-002',
  ]);
  assert.deepEqual(
    [0, 1, 2].map((p) => ofProject(p).length),
    [7, 7, 6],
  );
  for (const p of [0, 1, 2]) assert.equal(new Set(ofProject(p)).size, ofProject(p).length);
  assert.equal(
    plan.environments.some((e) => e.stopped && !e.name.startsWith('review/')),
    false,
  );
});

test('deployments add up exactly, follow the weights and interleave', () => {
  const plan = planDeploymentSeed({ projects: 2, environments: 10, deployments: 1001 });
  assert.equal(plan.order.length, 1001);
  const counts = new Array<number>(10).fill(0);
  for (const environment of plan.order) counts[environment]!++;
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    1001,
  );
  // production (weight 8) gets about 8 times what a review app (weight 1) gets.
  const production = counts[plan.environments.findIndex((e) => e.name === 'production')]!;
  const review = counts[plan.environments.findIndex((e) => e.name === 'review/feature-001')]!;
  assert.ok(production >= 7 * review && production <= 9 * review, `${production} vs ${review}`);
  // Shuffled: the first 100 deployments go to more than one environment.
  assert.ok(new Set(plan.order.slice(0, 100)).size > 1);
  plan.lastOf.forEach((position, environment) => {
    assert.equal(plan.order[position], environment);
    assert.equal(plan.order.slice(position + 1).includes(environment), false);
  });
});

test('the plan is the same for the same sizes and seed', () => {
  const a = planDeploymentSeed({ projects: 4, environments: 40, deployments: 500, seed: 7 });
  const b = planDeploymentSeed({ projects: 4, environments: 40, deployments: 500, seed: 7 });
  assert.deepEqual(a, b);
  const random = seededRandom(1);
  const values = Array.from({ length: 100 }, random);
  assert.ok(values.every((v) => v >= 0 && v < 1));
  assert.throws(() => planDeploymentSeed({ projects: 5, environments: 4, deployments: 10 }));
});
