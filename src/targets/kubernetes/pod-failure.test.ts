import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ContainerStatus, type PodFailure, type PodObject, podFailure } from './pod-failure.ts';

type Spec = NonNullable<PodObject['spec']>;
type Status = NonNullable<PodObject['status']>;

const running: ContainerStatus = {
  name: 'web',
  restartCount: 0,
  state: { running: { startedAt: '2026-11-28T10:00:00Z' } },
};
const waiting = (reason: string, message?: string): ContainerStatus => ({
  name: 'web',
  restartCount: 0,
  state: { waiting: message === undefined ? { reason } : { reason, message } },
});
const exited = { terminated: { exitCode: 1, reason: 'Error' } };
const scheduled = { type: 'PodScheduled', status: 'True' };
const unschedulable = {
  type: 'PodScheduled',
  status: 'False',
  reason: 'Unschedulable',
  message: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
};
const failure = (container: string | undefined, reason: string, message: string): PodFailure =>
  container === undefined
    ? { pod: 'web-7d9-x2x', reason, message }
    : { pod: 'web-7d9-x2x', container, reason, message };

// [what, spec, status, failure]
const table: Array<[string, Spec, Status, PodFailure | undefined]> = [
  ['running', {}, { conditions: [scheduled], containerStatuses: [running] }, undefined],
  ['not scheduled yet', {}, {}, undefined],
  ['being created', {}, { containerStatuses: [waiting('ContainerCreating')] }, undefined],
  [
    'crash-looping',
    {},
    {
      containerStatuses: [
        { ...waiting('CrashLoopBackOff', 'back-off 10s restarting failed container'), restartCount: 1 },
      ],
    },
    failure('web', 'CrashLoopBackOff', 'back-off 10s restarting failed container'),
  ],
  [
    'image pull backing off',
    {},
    { containerStatuses: [waiting('ImagePullBackOff', 'Back-off pulling image "x"')] },
    failure('web', 'ImagePullBackOff', 'Back-off pulling image "x"'),
  ],
  [
    'image pull failing',
    {},
    { containerStatuses: [waiting('ErrImagePull')] },
    failure('web', 'ErrImagePull', ''),
  ],
  [
    'invalid image name',
    {},
    { containerStatuses: [waiting('InvalidImageName')] },
    failure('web', 'InvalidImageName', ''),
  ],
  [
    'missing config',
    {},
    { containerStatuses: [waiting('CreateContainerConfigError', 'secret "db" not found')] },
    failure('web', 'CreateContainerConfigError', 'secret "db" not found'),
  ],
  [
    'container cannot be created',
    {},
    { containerStatuses: [waiting('CreateContainerError')] },
    failure('web', 'CreateContainerError', ''),
  ],
  [
    'container cannot run',
    {},
    { containerStatuses: [waiting('RunContainerError')] },
    failure('web', 'RunContainerError', ''),
  ],
  [
    'restarted after a non-zero exit, running again',
    {},
    { containerStatuses: [{ ...running, restartCount: 1, lastState: exited }] },
    failure('web', 'CrashLoopBackOff', 'restarted 1 time, last exit code 1 (Error)'),
  ],
  [
    'restarted and terminated again, before the back-off shows',
    { restartPolicy: 'Always' },
    { containerStatuses: [{ name: 'web', restartCount: 2, state: { terminated: { exitCode: 137 } } }] },
    failure('web', 'CrashLoopBackOff', 'restarted 2 times, last exit code 137'),
  ],
  [
    'exited non-zero once, not restarted yet',
    {},
    { containerStatuses: [{ name: 'web', restartCount: 0, state: exited }] },
    undefined,
  ],
  [
    'restarted after a clean exit',
    {},
    {
      containerStatuses: [
        { ...running, restartCount: 1, lastState: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
    },
    undefined,
  ],
  [
    'a Job pod (OnFailure) restarted after a non-zero exit waits for the back-off',
    { restartPolicy: 'OnFailure' },
    { containerStatuses: [{ ...running, restartCount: 1, lastState: exited }] },
    undefined,
  ],
  [
    'a Job pod (Never) that failed is left to the Job',
    { restartPolicy: 'Never' },
    { phase: 'Failed', containerStatuses: [{ name: 'web', restartCount: 0, state: exited }] },
    undefined,
  ],
  [
    'an init container crash-looping',
    {},
    {
      initContainerStatuses: [
        { ...waiting('CrashLoopBackOff', 'back-off 20s'), name: 'migrate', restartCount: 2 },
      ],
      containerStatuses: [waiting('PodInitializing')],
    },
    failure('migrate', 'CrashLoopBackOff', 'back-off 20s'),
  ],
  [
    'an init container restarted after a non-zero exit',
    {},
    {
      initContainerStatuses: [
        { name: 'migrate', restartCount: 1, state: { running: {} }, lastState: exited },
      ],
    },
    failure('migrate', 'CrashLoopBackOff', 'restarted 1 time, last exit code 1 (Error)'),
  ],
  [
    'a sidecar restarted after a non-zero exit in a pod that never restarts',
    { restartPolicy: 'Never', initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
    {
      initContainerStatuses: [{ name: 'proxy', restartCount: 1, state: { running: {} }, lastState: exited }],
    },
    failure('proxy', 'CrashLoopBackOff', 'restarted 1 time, last exit code 1 (Error)'),
  ],
  [
    'an init container failing its image pull before the app container',
    {},
    {
      initContainerStatuses: [{ ...waiting('ErrImagePull'), name: 'migrate' }],
      containerStatuses: [waiting('CrashLoopBackOff')],
    },
    failure('migrate', 'ErrImagePull', ''),
  ],
  [
    'unschedulable',
    {},
    { phase: 'Pending', conditions: [unschedulable] },
    failure(undefined, 'Unschedulable', unschedulable.message),
  ],
  [
    'unschedulable until its claims are bound',
    {},
    {
      phase: 'Pending',
      conditions: [
        {
          ...unschedulable,
          message: '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found',
        },
      ],
    },
    undefined,
  ],
  [
    'unschedulable until its claim exists',
    {},
    {
      phase: 'Pending',
      conditions: [{ ...unschedulable, message: 'persistentvolumeclaim "data-db-0" not found' }],
    },
    undefined,
  ],
  [
    'waiting for a scheduling gate',
    {},
    { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    undefined,
  ],
];

for (const [what, spec, status, expected] of table) {
  test(`podFailure: ${what}`, () => {
    const pod: PodObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-7d9-x2x' }, spec, status };
    assert.deepEqual(podFailure(pod), expected);
  });
}

test('podFailure: a pod being deleted does not fail, whatever its containers do', () => {
  const pod: PodObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d9-x2x', deletionTimestamp: '2026-11-28T10:00:00Z' },
    status: { containerStatuses: [waiting('CrashLoopBackOff')] },
  };
  assert.equal(podFailure(pod), undefined);
});
