import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ContainerSpec,
  CRASH_INTERVAL_MS,
  imageFault,
  type PodJson,
  type PodStatusJson,
  PULL_ERROR_MS,
  planPodStatus,
  READY_AFTER_ANNOTATION,
  RUN_TO_COMPLETION_MS,
  statusSignature,
} from './pod-status.ts';

const START = Date.parse('2026-01-02T03:04:05Z');
const placement = { hostIP: '127.0.0.1' };

function pod(
  containers: ContainerSpec[],
  options: {
    restartPolicy?: string;
    initContainers?: ContainerSpec[];
    annotations?: Record<string, string>;
  } = {},
): PodJson {
  return {
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', annotations: options.annotations ?? {} },
    spec: {
      nodeName: 'rig-node-0',
      containers,
      ...(options.restartPolicy ? { restartPolicy: options.restartPolicy } : {}),
      ...(options.initContainers ? { initContainers: options.initContainers } : {}),
    },
    status: { phase: 'Pending', startTime: '2026-01-02T03:04:05Z' },
  };
}

const web = (image: string): ContainerSpec => ({ name: 'web', image });

/** A compact view of a planned status: phase, Ready, and each container's state and restarts. */
function summary(status: PodStatusJson): string {
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const containers = (status.containerStatuses ?? []).map((c) => {
    const state =
      c.state.waiting?.reason ?? (c.state.running ? 'Running' : `exit ${c.state.terminated?.exitCode}`);
    return `${c.name}=${state}/${c.restartCount}${c.ready ? '/ready' : ''}`;
  });
  return `${status.phase} Ready=${ready?.status} ${containers.join(' ')}`;
}

describe('imageFault', () => {
  const cases: Array<[string, string | undefined]> = [
    ['nginx:1.27', undefined],
    ['registry:5000/shop/web:crashloop', 'crashloop'],
    ['registry:5000/shop/pull-fail:1', 'pull-fail'],
    ['web:crashloop-pull-fail', 'pull-fail'],
    ['migrate:job-fail', 'job-fail'],
  ];
  for (const [image, fault] of cases) test(image, () => assert.equal(imageFault(image), fault));
});

describe('planPodStatus', () => {
  const cases: Array<[name: string, pod: PodJson, elapsedMs: number, expected: string]> = [
    ['a plain image runs and is ready', pod([web('nginx:1')]), 0, 'Running Ready=True web=Running/0/ready'],
    [
      'readiness waits for the ready-after annotation',
      pod([web('nginx:1')], { annotations: { [READY_AFTER_ANNOTATION]: '5000' } }),
      4_999,
      'Running Ready=False web=Running/0',
    ],
    [
      'and comes after it',
      pod([web('nginx:1')], { annotations: { [READY_AFTER_ANNOTATION]: '5000' } }),
      5_000,
      'Running Ready=True web=Running/0/ready',
    ],
    [
      'a crashloop image waits to restart',
      pod([web('web:crashloop')]),
      0,
      'Running Ready=False web=CrashLoopBackOff/1',
    ],
    [
      'its restarts rise with time',
      pod([web('web:crashloop')]),
      2 * CRASH_INTERVAL_MS + 1,
      'Running Ready=False web=CrashLoopBackOff/3',
    ],
    [
      'a pull-fail image cannot be pulled',
      pod([web('web:pull-fail')]),
      0,
      'Pending Ready=False web=ErrImagePull/0',
    ],
    [
      'then backs off',
      pod([web('web:pull-fail')]),
      PULL_ERROR_MS,
      'Pending Ready=False web=ImagePullBackOff/0',
    ],
    [
      'a Job container runs',
      pod([web('migrate:1')], { restartPolicy: 'Never' }),
      0,
      'Running Ready=True web=Running/0/ready',
    ],
    [
      'then exits 0',
      pod([web('migrate:1')], { restartPolicy: 'OnFailure' }),
      RUN_TO_COMPLETION_MS,
      'Succeeded Ready=False web=exit 0/0',
    ],
    [
      'a job-fail image exits 1',
      pod([web('migrate:job-fail')], { restartPolicy: 'Never' }),
      RUN_TO_COMPLETION_MS,
      'Failed Ready=False web=exit 1/0',
    ],
    [
      'a crashloop image that may not restart fails',
      pod([web('migrate:crashloop')], { restartPolicy: 'Never' }),
      RUN_TO_COMPLETION_MS,
      'Failed Ready=False web=exit 1/0',
    ],
    [
      'one crashing container of two makes the pod unready',
      pod([web('web:crashloop'), { name: 'proxy', image: 'envoy:1' }]),
      0,
      'Running Ready=False web=CrashLoopBackOff/1 proxy=Running/0/ready',
    ],
    [
      'completed init containers let the app start',
      pod([web('nginx:1')], { initContainers: [{ name: 'migrate', image: 'migrate:1' }] }),
      0,
      'Running Ready=True web=Running/0/ready',
    ],
    [
      'a crash-looping init container holds the pod',
      pod([web('nginx:1')], { initContainers: [{ name: 'migrate', image: 'migrate:crashloop' }] }),
      0,
      'Pending Ready=False web=PodInitializing/0',
    ],
  ];
  for (const [name, input, elapsedMs, expected] of cases) {
    test(name, () =>
      assert.equal(summary(planPodStatus(input, START + elapsedMs, placement).status), expected),
    );
  }

  test('a crash loop reports the failed run and the kubelet back-off', () => {
    const { status, nextChangeAt } = planPodStatus(pod([web('web:crashloop')]), START + 4_500, placement);
    const web0 = status.containerStatuses?.[0];
    assert.deepEqual(web0?.lastState.terminated?.exitCode, 1);
    assert.equal(web0?.lastState.terminated?.reason, 'Error');
    assert.equal(
      web0?.state.waiting?.message,
      'back-off 40s restarting failed container=web pod=web-1_shop(u-1)',
    );
    assert.equal(nextChangeAt, START + 3 * CRASH_INTERVAL_MS);
  });

  test('a failing pull names the image', () => {
    const later = planPodStatus(pod([web('reg/web:pull-fail')]), START + PULL_ERROR_MS, placement).status;
    assert.equal(
      later.containerStatuses?.[0]?.state.waiting?.message,
      'Back-off pulling image "reg/web:pull-fail"',
    );
    assert.equal(later.containerStatuses?.[0]?.imageID, '');
  });

  test('a running pod reports the placement, its start and a stable fake image ID', () => {
    const { status, nextChangeAt } = planPodStatus(pod([web('nginx:1')]), START + 10_000, placement);
    assert.equal(status.podIP, undefined);
    assert.equal(status.hostIP, '127.0.0.1');
    assert.equal(status.startTime, '2026-01-02T03:04:05Z');
    assert.match(
      status.containerStatuses?.[0]?.imageID ?? '',
      /^docker-pullable:\/\/nginx@sha256:[0-9a-f]{64}$/,
    );
    assert.deepEqual(
      status.conditions?.map((c) => `${c.type}=${c.status}`),
      [
        'PodReadyToStartContainers=True',
        'Initialized=True',
        'Ready=True',
        'ContainersReady=True',
        'PodScheduled=True',
      ],
    );
    assert.equal(nextChangeAt, undefined);
  });

  test('a pod without a start time starts at the current second', () => {
    const fresh = pod([web('nginx:1')]);
    delete fresh.status;
    assert.equal(planPodStatus(fresh, START + 900, placement).status.startTime, '2026-01-02T03:04:05Z');
  });

  test('conditions of other writers are kept', () => {
    const disrupted = pod([web('nginx:1')]);
    disrupted.status = {
      ...disrupted.status,
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' }],
    };
    const types = planPodStatus(disrupted, START, placement).status.conditions?.map((c) => c.type);
    assert.ok(types?.includes('DisruptionTarget'));
  });
});

describe('statusSignature', () => {
  test('is equal for the same state at different moments', () => {
    const input = pod([web('nginx:1')]);
    assert.equal(
      statusSignature(planPodStatus(input, START, placement).status),
      statusSignature(planPodStatus(input, START + 60_000, placement).status),
    );
  });

  test('changes when a container restarts', () => {
    const input = pod([web('web:crashloop')]);
    assert.notEqual(
      statusSignature(planPodStatus(input, START, placement).status),
      statusSignature(planPodStatus(input, START + CRASH_INTERVAL_MS, placement).status),
    );
  });

  test('differs from a pod the kubelet never wrote', () => {
    assert.notEqual(
      statusSignature({ phase: 'Pending' }),
      statusSignature(planPodStatus(pod([web('a')]), START, placement).status),
    );
  });
});
