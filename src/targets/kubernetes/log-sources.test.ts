import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import type { EnvironmentPod, PodContainerStatus } from './environment-pod.ts';
import { selectLogSources } from './log-sources.ts';

const podOf = (
  name: string,
  statuses: PodContainerStatus[],
  extra: { deleting?: boolean } = {},
): EnvironmentPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { initContainers: [{ name: 'proxy' }], containers: [{ name: 'web' }] },
  status: {
    initContainerStatuses: statuses.filter((s) => s.name === 'proxy'),
    containerStatuses: statuses.filter((s) => s.name === 'web'),
  },
});

const running = (name: string, id: string): PodContainerStatus => ({
  name,
  containerID: id,
  restartCount: 0,
  state: { running: {} },
});

const pods = [
  podOf('web-b', [
    running('proxy', 'c://b-proxy'),
    {
      name: 'web',
      containerID: 'c://b-web-2',
      restartCount: 2,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, containerID: 'c://b-web-2' } },
    },
  ]),
  podOf('web-a', [
    running('proxy', 'c://a-proxy'),
    { name: 'web', state: { waiting: { reason: 'ContainerCreating' } } },
  ]),
  podOf('web-old', [running('proxy', 'c://old-proxy'), running('web', 'c://old-web')], { deleting: true }),
];

test('the whole environment: every container of the pods not being deleted, by pod name', () => {
  assert.deepEqual(selectLogSources(pods, {}, 'shop'), [
    { pod: 'web-a', container: 'proxy', instance: 'c://a-proxy' },
    { pod: 'web-a', container: 'web', instance: null },
    { pod: 'web-b', container: 'proxy', instance: 'c://b-proxy' },
    // Waiting after a crash: the current log is the last run's.
    { pod: 'web-b', container: 'web', instance: 'c://b-web-2' },
  ]);
});

test('one container across the pods', () => {
  assert.deepEqual(
    selectLogSources(pods, { container: 'web' }, 'shop').map(({ pod }) => pod),
    ['web-a', 'web-b'],
  );
});

test('a named pod counts even while it is being deleted', () => {
  assert.deepEqual(selectLogSources(pods, { pod: 'web-old', container: 'web' }, 'shop'), [
    { pod: 'web-old', container: 'web', instance: 'c://old-web' },
  ]);
});

test('the previous log exists only for containers that restarted', () => {
  assert.deepEqual(selectLogSources(pods, { pod: 'web-b', previous: true }, 'shop'), [
    { pod: 'web-b', container: 'proxy', instance: null },
    { pod: 'web-b', container: 'web', instance: 'c://b-web-2' },
  ]);
});

// [case, selection, message]
const unknown: Array<[string, Parameters<typeof selectLogSources>[1], RegExp]> = [
  ['unknown pod', { pod: 'nope' }, /^pod nope is not one of the environment's pods in namespace shop$/],
  [
    'unknown container of a pod',
    { pod: 'web-a', container: 'db' },
    /^container db not found: pod web-a has containers proxy, web$/,
  ],
  [
    'unknown container anywhere',
    { container: 'db' },
    /^container db not found: the environment's pods have containers proxy, web$/,
  ],
];
for (const [name, selection, message] of unknown) {
  test(`not found: ${name}`, () => {
    assert.throws(
      () => selectLogSources(pods, selection, 'shop'),
      (error: unknown) =>
        error instanceof GantryError && error.code === 'not_found' && message.test(error.message),
    );
  });
}

test('an environment without pods has no sources (a follow waits for them)', () => {
  assert.deepEqual(selectLogSources([], {}, 'shop'), []);
});
