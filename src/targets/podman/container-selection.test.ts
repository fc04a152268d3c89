import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import { selectContainers } from './container-selection.ts';
import type { EnvironmentContainer, EnvironmentPod } from './environment-pods.ts';

const container = (name: string): EnvironmentContainer => ({
  name,
  image: 'localhost/app:1',
  digest: null,
  state: 'running',
  health: null,
  restarts: 0,
  exit_code: null,
  started_at: null,
  ports: [],
});
const pods: EnvironmentPod[] = [
  { name: 'shop-prod-api-pod-0', status: 'Running', containers: [container('api'), container('sidecar')] },
  { name: 'shop-prod-web-pod-0', status: 'Running', containers: [container('sidecar'), container('web')] },
];
const names = (selected: ReturnType<typeof selectContainers>) =>
  selected.map((entry) => `${entry.pod}/${entry.container} as ${entry.podmanName}`);

test('without names every container of every pod is selected, with its Podman name', () => {
  assert.deepEqual(names(selectContainers(pods, {})), [
    'shop-prod-api-pod-0/api as shop-prod-api-pod-0-api',
    'shop-prod-api-pod-0/sidecar as shop-prod-api-pod-0-sidecar',
    'shop-prod-web-pod-0/sidecar as shop-prod-web-pod-0-sidecar',
    'shop-prod-web-pod-0/web as shop-prod-web-pod-0-web',
  ]);
  assert.deepEqual(selectContainers([], {}), []);
});

test('a pod, a container name, or both narrow the selection', () => {
  assert.deepEqual(names(selectContainers(pods, { pod: 'shop-prod-web-pod-0' })), [
    'shop-prod-web-pod-0/sidecar as shop-prod-web-pod-0-sidecar',
    'shop-prod-web-pod-0/web as shop-prod-web-pod-0-web',
  ]);
  assert.deepEqual(names(selectContainers(pods, { container: 'sidecar' })), [
    'shop-prod-api-pod-0/sidecar as shop-prod-api-pod-0-sidecar',
    'shop-prod-web-pod-0/sidecar as shop-prod-web-pod-0-sidecar',
  ]);
  assert.deepEqual(names(selectContainers(pods, { pod: 'shop-prod-api-pod-0', container: 'api' })), [
    'shop-prod-api-pod-0/api as shop-prod-api-pod-0-api',
  ]);
});

test('unknown names are not found, and the error says what exists', () => {
  assert.throws(
    () => selectContainers(pods, { pod: 'nope' }),
    (error: GantryError) =>
      error.code === 'not_found' &&
      error.message ===
        "pod nope is not one of the environment's pods (there are shop-prod-api-pod-0, shop-prod-web-pod-0)",
  );
  assert.throws(
    () => selectContainers(pods, { pod: 'shop-prod-api-pod-0', container: 'web' }),
    (error: GantryError) =>
      error.code === 'not_found' &&
      error.message === 'container web is not in pod shop-prod-api-pod-0 (there are api, sidecar)',
  );
  assert.throws(
    () => selectContainers(pods, { container: 'db' }),
    (error: GantryError) =>
      error.message === "container db is not in the environment's pods (there are api, sidecar, web)",
  );
  assert.throws(
    () => selectContainers([], { pod: 'x' }),
    (error: GantryError) => error.message === "pod x is not one of the environment's pods (there are none)",
  );
});
