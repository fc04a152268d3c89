import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesContainer } from '../api/environment-types.ts';
import {
  driftCounts,
  driftField,
  driftValue,
  podProblem,
  podReadiness,
  workloadReadiness,
} from './kubernetes-view.ts';

const container = (overrides: Partial<KubernetesContainer>): KubernetesContainer => ({
  name: 'web',
  image: 'web:1',
  init: false,
  ready: true,
  restarts: 0,
  state: 'running',
  reason: null,
  message: null,
  ...overrides,
});

test('pod readiness counts app containers only', () => {
  const containers = [
    container({ init: true, ready: false, state: 'terminated', reason: 'Completed' }),
    container({ name: 'web' }),
    container({ name: 'sidecar', ready: false }),
  ];
  assert.equal(podReadiness({ containers }), '1/2');
});

test('workload readiness: replicas, or a Job’s completions', () => {
  assert.equal(
    workloadReadiness({ replicas: { desired: 3, ready: 2, updated: 3, available: 2 }, job: null }),
    '2/3',
  );
  assert.equal(
    workloadReadiness({ replicas: null, job: { completions: 1, active: 0, succeeded: 1, failed: 0 } }),
    '1/1',
  );
  assert.equal(workloadReadiness({ replicas: null, job: null }), '—');
});

test('a pod’s problem is its own reason, else a troubled container’s', () => {
  assert.equal(podProblem({ reason: 'Unschedulable', containers: [] }), 'Unschedulable');
  assert.equal(
    podProblem({
      reason: null,
      containers: [
        container({ init: true, ready: false, state: 'terminated', reason: 'Completed' }),
        container({ ready: false, state: 'waiting', reason: 'CrashLoopBackOff' }),
      ],
    }),
    'CrashLoopBackOff',
  );
  assert.equal(podProblem({ reason: null, containers: [container({})] }), null);
});

test('drift counts and values', () => {
  const object = (state: 'in_sync' | 'modified' | 'missing') => ({
    api_version: 'v1',
    kind: 'ConfigMap',
    name: 'x',
    namespace: 'ns',
    state,
    differences: [],
    message: null,
  });
  assert.deepEqual(driftCounts({ objects: [object('in_sync'), object('modified'), object('modified')] }), {
    in_sync: 1,
    modified: 2,
    missing: 0,
  });
  assert.equal(driftValue('web:2'), 'web:2');
  assert.equal(driftValue(3), '3');
  assert.equal(driftValue({ a: 1 }), '{"a":1}');
  assert.equal(driftValue(undefined), '(not set)');
});

test('drift fields read as dotted paths, odd keys quoted', () => {
  assert.equal(driftField('/spec/replicas'), 'spec.replicas');
  assert.equal(
    driftField('/spec/template/spec/containers/1/image'),
    'spec.template.spec.containers[1].image',
  );
  assert.equal(
    driftField('/metadata/annotations/gantry.dev~1deployment'),
    'metadata.annotations["gantry.dev/deployment"]',
  );
  assert.equal(driftField('/data/a~0b'), 'data["a~b"]');
  assert.equal(driftField('/data/app.properties'), 'data["app.properties"]');
});
