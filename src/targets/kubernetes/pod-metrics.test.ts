import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import type { EnvironmentPod } from './environment-pod.ts';
import { containerSamples, metricsFailure } from './pod-metrics.ts';

const pods: EnvironmentPod[] = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-a' },
    spec: { initContainers: [{ name: 'proxy' }], containers: [{ name: 'web' }] },
    status: {
      initContainerStatuses: [{ name: 'proxy', restartCount: 0 }],
      containerStatuses: [{ name: 'web', restartCount: 4 }],
    },
  },
];

test('one sample per container the metrics API reports, in cores and bytes, with the restarts of the pods', () => {
  const samples = containerSamples(
    {
      items: [
        { metadata: { name: 'web-b' }, containers: [{ name: 'web', usage: { cpu: '5m', memory: '16Mi' } }] },
        {
          metadata: { name: 'web-a' },
          containers: [
            { name: 'web', usage: { cpu: '12345678n', memory: '123456Ki' } },
            { name: 'proxy', usage: { cpu: '1', memory: '1048576' } },
          ],
        },
      ],
    },
    pods,
  );
  assert.deepEqual(samples, [
    { pod: 'web-a', container: 'web', cpuCores: 0.012345678, memoryBytes: 123456 * 1024, restarts: 4 },
    { pod: 'web-a', container: 'proxy', cpuCores: 1, memoryBytes: 1048576, restarts: 0 },
    // A pod the list does not have yet (it just started): no restarts known.
    { pod: 'web-b', container: 'web', cpuCores: 0.005, memoryBytes: 16 * 1024 * 1024, restarts: 0 },
  ]);
});

test('no metrics yet: no samples for running containers', () => {
  assert.deepEqual(containerSamples({}, pods), []);
  assert.deepEqual(containerSamples({ items: [{ metadata: { name: 'web-a' } }] }, pods), []);
});

test('a waiting container, which the metrics API leaves out, is sampled at zero with its restarts', () => {
  const crashing: EnvironmentPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-c' },
    spec: { containers: [{ name: 'web' }, { name: 'worker' }] },
    status: {
      containerStatuses: [
        { name: 'web', restartCount: 0, state: { running: {} } },
        { name: 'worker', restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    },
  };
  const deleting: EnvironmentPod = {
    ...crashing,
    metadata: { name: 'web-d', deletionTimestamp: '2026-01-01T00:00:00Z' },
  };
  assert.deepEqual(
    containerSamples(
      {
        items: [
          { metadata: { name: 'web-c' }, containers: [{ name: 'web', usage: { cpu: '1m', memory: '1Ki' } }] },
        ],
      },
      [crashing, deleting],
    ),
    [
      { pod: 'web-c', container: 'web', cpuCores: 0.001, memoryBytes: 1024, restarts: 0 },
      { pod: 'web-c', container: 'worker', cpuCores: 0, memoryBytes: 0, restarts: 5 },
    ],
  );
});

const status = (code: number, message: string) =>
  new ApiException(code, 'Unsuccessful HTTP Request', JSON.stringify({ kind: 'Status', message, code }), {});

// [case, error, code, message]
const failures: Array<[string, unknown, string, RegExp]> = [
  [
    'no metrics API',
    status(404, 'the server could not find the requested resource'),
    'unavailable',
    /^the cluster serves no metrics API \(metrics\.k8s\.io\): install metrics-server/,
  ],
  [
    'metrics-server down',
    status(503, 'service unavailable'),
    'unavailable',
    /^the cluster's metrics API \(metrics\.k8s\.io\) does not answer \(503 Service Unavailable\): is metrics-server running\? The API server said: service unavailable$/,
  ],
  [
    'not allowed',
    status(403, 'pods.metrics.k8s.io is forbidden'),
    'unavailable',
    /may not list pods\.metrics\.k8s\.io in namespace shop \(403 Forbidden\)/,
  ],
];
for (const [name, error, code, message] of failures) {
  test(`metrics failure: ${name}`, () => {
    const failure = metricsFailure(error, 'shop', 'https://127.0.0.1:6443');
    assert.ok(failure instanceof GantryError);
    assert.equal(failure.code, code);
    assert.match(failure.message, message);
  });
}
