import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EnvironmentPod } from './environment-pod.ts';
import { runningContainers } from './running-containers.ts';

const podOf = (name: string, fields: Partial<EnvironmentPod> = {}): EnvironmentPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'web' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'web', restartCount: 0, state: { running: {} } }] },
  ...fields,
});

test('every container of the pods not being deleted, pods by name, init containers first', () => {
  const pods = [
    podOf('web-b', {
      spec: { initContainers: [{ name: 'proxy' }], containers: [{ name: 'web' }] },
      status: {
        initContainerStatuses: [{ name: 'proxy', restartCount: 0, state: { running: {} } }],
        containerStatuses: [
          {
            name: 'web',
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1 } },
          },
        ],
      },
    }),
    podOf('web-a'),
    podOf('web-old', { metadata: { name: 'web-old', deletionTimestamp: '2026-01-01T00:00:00Z' } }),
  ];
  assert.deepEqual(runningContainers(pods), [
    { pod: 'web-a', container: 'web', state: 'running', restarts: 0, hasPrevious: false },
    { pod: 'web-b', container: 'proxy', state: 'running', restarts: 0, hasPrevious: false },
    { pod: 'web-b', container: 'web', state: 'waiting (CrashLoopBackOff)', restarts: 3, hasPrevious: true },
  ]);
});

test('a container the kubelet has not reported yet is listed as unknown', () => {
  assert.deepEqual(runningContainers([podOf('web-a', { status: { phase: 'Pending' } })]), [
    { pod: 'web-a', container: 'web', state: 'unknown', restarts: 0, hasPrevious: false },
  ]);
});
