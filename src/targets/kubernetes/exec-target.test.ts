import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import type { EnvironmentPod } from './environment-pod.ts';
import { chooseExecTarget } from './exec-target.ts';

const podOf = (
  name: string,
  phase: string,
  web: 'running' | 'crashing' = 'running',
  deleting = false,
): EnvironmentPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { initContainers: [{ name: 'proxy' }], containers: [{ name: 'web' }, { name: 'worker' }] },
  status: {
    phase,
    initContainerStatuses: [{ name: 'proxy', state: { running: {} } }],
    containerStatuses: [
      {
        name: 'web',
        state: web === 'running' ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } },
      },
      { name: 'worker', state: { running: {} } },
    ],
  },
});

const pods = [
  podOf('web-c', 'Running'),
  podOf('web-a', 'Pending', 'crashing'),
  podOf('web-b', 'Running'),
  podOf('web-0', 'Running', 'running', true),
];

// [case, wanted, chosen]
const chosen: Array<[string, { pod?: string; container?: string }, { pod: string; container: string }]> = [
  ['nothing named: the first app container of the first running pod', {}, { pod: 'web-b', container: 'web' }],
  [
    'a container: the first running pod with it',
    { container: 'worker' },
    { pod: 'web-b', container: 'worker' },
  ],
  ['an init sidecar by name', { container: 'proxy' }, { pod: 'web-b', container: 'proxy' }],
  ['a pod: its first app container', { pod: 'web-c' }, { pod: 'web-c', container: 'web' }],
  ['a pod and a container', { pod: 'web-a', container: 'worker' }, { pod: 'web-a', container: 'worker' }],
];
for (const [name, wanted, target] of chosen) {
  test(`exec target: ${name}`, () => assert.deepEqual(chooseExecTarget(pods, wanted, 'shop'), target));
}

test('exec target: the container the default-container annotation names, as with kubectl', () => {
  const annotated = podOf('web-a', 'Running');
  annotated.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'worker' };
  assert.deepEqual(chooseExecTarget([annotated], {}, 'shop'), { pod: 'web-a', container: 'worker' });
  annotated.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'gone' };
  assert.deepEqual(chooseExecTarget([annotated], {}, 'shop'), { pod: 'web-a', container: 'web' });
});

// [case, pods, wanted, code, message]
const refused: Array<[string, EnvironmentPod[], { pod?: string; container?: string }, string, RegExp]> = [
  [
    'unknown pod',
    pods,
    { pod: 'nope' },
    'not_found',
    /^pod nope is not one of the environment's pods in namespace shop$/,
  ],
  [
    'unknown container',
    pods,
    { pod: 'web-b', container: 'db' },
    'not_found',
    /^pod web-b has no container db \(it has proxy, web, worker\)$/,
  ],
  [
    'no pod has the container',
    pods,
    { container: 'db' },
    'not_found',
    /^container db not found in the environment's pods$/,
  ],
  ['no pods', [], {}, 'not_found', /^the environment has no pods in namespace shop$/],
  [
    'a container not running',
    pods,
    { pod: 'web-a' },
    'conflict',
    /^container web of pod web-a is not running \(waiting \(CrashLoopBackOff\)\)/,
  ],
];
for (const [name, list, wanted, code, message] of refused) {
  test(`exec target refused: ${name}`, () => {
    assert.throws(
      () => chooseExecTarget(list, wanted, 'shop'),
      (error: unknown) => error instanceof GantryError && error.code === code && message.test(error.message),
    );
  });
}
