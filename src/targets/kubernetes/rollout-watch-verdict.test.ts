import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type ObjectRef, refKey, refOf } from './kube-object.ts';
import type { PodObject } from './pod-failure.ts';
import type { RolloutFailure } from './rollout-watch-errors.ts';
import { judgeRollout, type RolloutView } from './rollout-watch-verdict.ts';

const ns = 'shop-prod';
const controlledBy = (uid: string) => [
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true },
];

function deployment(name: string, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: ns,
      uid: name,
      generation: 2,
      annotations: { 'deployment.kubernetes.io/revision': '2' },
    },
    spec: { replicas: 2 },
    status: { observedGeneration: 2, ...status },
  };
}
const available = { type: 'Available', status: 'True' };
const rolledOut = { replicas: 2, updatedReplicas: 2, availableReplicas: 2, conditions: [available] };
const midRollout = { replicas: 3, updatedReplicas: 1, availableReplicas: 2, conditions: [available] };

const replicaSet = (uid: string, owner: string, revision: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: uid,
    namespace: ns,
    uid,
    annotations: { 'deployment.kubernetes.io/revision': revision },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: owner, uid: owner, controller: true },
    ],
  },
});
const crashing = (name: string, replicaSetUid: string): PodObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, ownerReferences: controlledBy(replicaSetUid) },
  status: {
    containerStatuses: [
      {
        name: 'web',
        restartCount: 3,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
        },
      },
    ],
  },
});
const failedJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: ns, uid: 'migrate' },
  status: {
    conditions: [
      { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'backoff limit' },
    ],
  },
};
const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns } };

function view(objects: KubeObject[], pods: PodObject[] = []): RolloutView {
  const byKey = new Map(objects.map((object) => [refKey(refOf(object)), object]));
  const replicaSets = [replicaSet('web-old', 'web', '1'), replicaSet('web-new', 'web', '2')];
  return {
    object: (ref) => byKey.get(refKey(ref)),
    podSources: () => ({ replicaSets, pods }),
  };
}
const ref = (object: KubeObject): ObjectRef => refOf(object);

// [what, refs, view, expected failure, expected statuses]
const table: Array<[string, ObjectRef[], RolloutView, RolloutFailure | undefined, string[]]> = [
  [
    'all healthy',
    [ref(deployment('web', rolledOut)), ref(service)],
    view([deployment('web', rolledOut), service]),
    undefined,
    ['healthy', 'healthy'],
  ],
  [
    'a new pod crash-looping',
    [ref(service), ref(deployment('web', midRollout))],
    view([service, deployment('web', midRollout)], [crashing('web-new-x2x', 'web-new')]),
    {
      ref: ref(deployment('web', midRollout)),
      pod: 'web-new-x2x',
      container: 'web',
      reason: 'CrashLoopBackOff',
      detail: 'back-off 40s restarting failed container',
    },
    ['healthy', 'progressing'],
  ],
  [
    'an old pod crash-looping',
    [ref(deployment('web', midRollout))],
    view([deployment('web', midRollout)], [crashing('web-old-a1b', 'web-old')]),
    undefined,
    ['progressing'],
  ],
  [
    'a new pod crash-looping after the Deployment became healthy',
    [ref(deployment('web', rolledOut))],
    view([deployment('web', rolledOut)], [crashing('web-new-x2x', 'web-new')]),
    undefined,
    ['healthy'],
  ],
  [
    'a degraded object, and the first failure wins',
    [ref(failedJob), ref(deployment('web', midRollout))],
    view([failedJob, deployment('web', midRollout)], [crashing('web-new-x2x', 'web-new')]),
    { ref: ref(failedJob), reason: 'Degraded', detail: 'failed: BackoffLimitExceeded: backoff limit' },
    ['degraded', 'progressing'],
  ],
  ['an object not seen yet', [ref(service)], view([]), undefined, ['progressing']],
];

for (const [what, refs, input, failure, statuses] of table) {
  test(`judgeRollout: ${what}`, () => {
    const verdict = judgeRollout(refs, input);
    assert.deepEqual(verdict.failure, failure);
    assert.deepEqual(
      verdict.objects.map((entry) => entry.health.status),
      statuses,
    );
  });
}

test('judgeRollout: an object not seen yet says so', () => {
  assert.deepEqual(judgeRollout([ref(service)], view([])).objects, [
    { ref: ref(service), health: { status: 'progressing', message: 'not found yet' } },
  ]);
});
