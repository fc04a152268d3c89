import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './kube-object.ts';
import { newPods, type PodSources } from './new-pods.ts';
import type { PodObject } from './pod-failure.ts';

const owner = (uid: string) => [
  { apiVersion: 'apps/v1', kind: 'Owner', name: 'owner', uid, controller: true },
];

function object(
  kind: string,
  uid: string,
  fields: { generation?: number; revision?: string; controller?: string; status?: Record<string, unknown> },
): KubeObject {
  return {
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: {
      name: uid,
      uid,
      generation: fields.generation ?? 1,
      ...(fields.revision ? { annotations: { 'deployment.kubernetes.io/revision': fields.revision } } : {}),
      ...(fields.controller ? { ownerReferences: owner(fields.controller) } : {}),
    },
    status: fields.status ?? { observedGeneration: fields.generation ?? 1 },
  };
}

function pod(name: string, controller: string | undefined, labels: Record<string, string> = {}): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...(controller ? { ownerReferences: owner(controller) } : {}) },
  };
}

const replicaSets = [
  object('ReplicaSet', 'web-old', { revision: '1', controller: 'web' }),
  object('ReplicaSet', 'web-new', { revision: '2', controller: 'web' }),
  object('ReplicaSet', 'api-new', { revision: '2', controller: 'api' }),
];
const pods: PodObject[] = [
  pod('web-old-a', 'web-old', { 'pod-template-hash': 'old' }),
  pod('web-new-a', 'web-new', { 'pod-template-hash': 'new' }),
  pod('web-new-b', 'web-new', { 'pod-template-hash': 'new' }),
  pod('api-new-a', 'api-new', { 'pod-template-hash': 'new' }),
  pod('db-0', 'db', { 'controller-revision-hash': 'db-5f8' }),
  pod('db-1', 'db', { 'controller-revision-hash': 'db-4c1' }),
  pod('other-0', 'other', { 'controller-revision-hash': 'db-5f8' }),
  pod('agent-a', 'agent', { 'pod-template-generation': '3' }),
  pod('agent-b', 'agent', { 'pod-template-generation': '2' }),
  pod('migrate-a', 'migrate', { 'batch.kubernetes.io/controller-uid': 'migrate' }),
  pod('migrate-b', 'migrate', { 'controller-uid': 'migrate' }),
  pod('seed-a', 'seed', { 'batch.kubernetes.io/controller-uid': 'seed' }),
];
const sources: PodSources = { replicaSets, pods };
const rolledOutDb = { observedGeneration: 2, currentRevision: 'db-4c1', updateRevision: 'db-5f8' };

// [what, object, names of its new pods]
const table: Array<[string, KubeObject, string[]]> = [
  [
    'a Deployment: pods of its ReplicaSet at its revision',
    object('Deployment', 'web', { revision: '2' }),
    ['web-new-a', 'web-new-b'],
  ],
  [
    'a Deployment whose generation is not observed yet: none',
    object('Deployment', 'web', { generation: 3, revision: '2', status: { observedGeneration: 2 } }),
    [],
  ],
  ['a Deployment without a revision yet: none', object('Deployment', 'web', {}), []],
  [
    'a StatefulSet: pods at its update revision',
    object('StatefulSet', 'db', { generation: 2, status: rolledOutDb }),
    ['db-0'],
  ],
  [
    'a StatefulSet whose generation is not observed yet: none',
    object('StatefulSet', 'db', { generation: 3, status: rolledOutDb }),
    [],
  ],
  ['a DaemonSet: pods of its generation', object('DaemonSet', 'agent', { generation: 3 }), ['agent-a']],
  ['a Job: all its pods, by either label', object('Job', 'migrate', {}), ['migrate-a', 'migrate-b']],
  ['a Service: none', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', uid: 'svc' } }, []],
];

for (const [what, input, expected] of table) {
  test(`newPods of ${what}`, () => {
    assert.deepEqual(
      newPods(input, sources).map((p) => p.metadata.name),
      expected,
    );
  });
}
