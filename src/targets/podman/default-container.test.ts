import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { SelectedContainer } from './container-selection.ts';
import { defaultContainer, readCreationTimes } from './default-container.ts';
import type { EnvironmentContainer } from './environment-pods.ts';

const entry = (pod: string, container: string, state = 'running'): SelectedContainer => ({
  pod,
  container,
  podmanName: `${pod}-${container}`,
  state: { name: container, state } as EnvironmentContainer,
});
const created = new Map([
  ['api-web', 3n],
  ['api-sidecar', 2n],
  ['web-web', 1n],
  ['web-sidecar', 2n],
]);

test('the running container declared (created) first, in the first pod where one runs', () => {
  const selected = [
    entry('api', 'sidecar', 'exited'),
    entry('api', 'web', 'exited'),
    entry('web', 'sidecar'),
    entry('web', 'web'),
  ];
  assert.equal(defaultContainer(selected, created)?.podmanName, 'web-web');
  assert.equal(
    defaultContainer([entry('api', 'sidecar'), entry('api', 'web')], created)?.podmanName,
    'api-sidecar',
  );
});

test('a container whose creation is unknown comes last; with none running, the first selected', () => {
  assert.equal(
    defaultContainer([entry('x', 'a'), entry('x', 'b')], new Map([['x-b', 5n]]))?.podmanName,
    'x-b',
  );
  assert.equal(
    defaultContainer([entry('x', 'a', 'exited'), entry('x', 'b', 'exited')], created)?.podmanName,
    'x-a',
  );
  assert.equal(defaultContainer([], created), undefined);
});

test('readCreationTimes reads podman inspect, by name', async () => {
  const fake = await fakePodmanHost(
    'printf "pod-web\\t1795946883657682918\\npod-side\\t1795946883742757080\\n"',
  );
  try {
    assert.deepEqual(
      await readCreationTimes(fake.host, ['pod-web', 'pod-side']),
      new Map([
        ['pod-web', 1795946883657682918n],
        ['pod-side', 1795946883742757080n],
      ]),
    );
  } finally {
    await fake.close();
  }
});
