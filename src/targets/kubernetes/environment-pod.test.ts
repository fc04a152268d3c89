import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  containerStateText,
  type EnvironmentPod,
  hasPreviousInstance,
  isTerminating,
  podContainers,
} from './environment-pod.ts';

const pod: EnvironmentPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1' },
  spec: {
    initContainers: [{ name: 'migrate' }, { name: 'proxy', restartPolicy: 'Always' }],
    containers: [{ name: 'web' }, { name: 'worker' }],
  },
  status: {
    initContainerStatuses: [
      { name: 'migrate', state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      { name: 'proxy', state: { running: {} } },
    ],
    containerStatuses: [{ name: 'web', restartCount: 2, state: { running: {} } }],
  },
};

test('containers come in spec order, init containers first, each with its status', () => {
  assert.deepEqual(
    podContainers(pod).map(({ name, init, status }) => [name, init, status?.name]),
    [
      ['migrate', true, 'migrate'],
      ['proxy', true, 'proxy'],
      ['web', false, 'web'],
      ['worker', false, undefined],
    ],
  );
});

test('a pod without spec or status has no containers', () => {
  assert.deepEqual(podContainers({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }), []);
});

// [case, status, state text]
const states: Array<[string, Parameters<typeof containerStateText>[0], string]> = [
  ['running', { name: 'web', state: { running: {} } }, 'running'],
  [
    'crash loop',
    { name: 'web', state: { waiting: { reason: 'CrashLoopBackOff' } } },
    'waiting (CrashLoopBackOff)',
  ],
  ['waiting without reason', { name: 'web', state: { waiting: {} } }, 'waiting'],
  ['completed', { name: 'web', state: { terminated: { reason: 'Completed' } } }, 'terminated (Completed)'],
  ['terminated without reason', { name: 'web', state: { terminated: { exitCode: 1 } } }, 'terminated'],
  ['no state yet', { name: 'web' }, 'unknown'],
  ['no status at all', undefined, 'unknown'],
];
for (const [name, status, text] of states) {
  test(`state text: ${name}`, () => assert.equal(containerStateText(status), text));
}

test('a previous instance exists after a restart or a recorded termination', () => {
  assert.equal(hasPreviousInstance(undefined), false);
  assert.equal(hasPreviousInstance({ name: 'web', restartCount: 0, state: { running: {} } }), false);
  assert.equal(hasPreviousInstance({ name: 'web', restartCount: 1 }), true);
  assert.equal(hasPreviousInstance({ name: 'web', lastState: { terminated: { exitCode: 1 } } }), true);
});

test('a pod with a deletion timestamp is terminating', () => {
  assert.equal(isTerminating(pod), false);
  assert.equal(
    isTerminating({ ...pod, metadata: { name: 'web-1', deletionTimestamp: '2026-01-01T00:00:00Z' } }),
    true,
  );
});
