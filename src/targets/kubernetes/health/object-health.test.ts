import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube-object.ts';
import { hasHealthRule, objectHealth } from './object-health.ts';

const object = (apiVersion: string, kind: string, fields: Record<string, unknown> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', generation: 1 },
  ...fields,
});

// [what, object, status objectHealth gives, has a rule]
const table: Array<[string, KubeObject, string, boolean]> = [
  ['a Deployment by its rule', object('apps/v1', 'Deployment'), 'progressing', true],
  ['a StatefulSet by its rule', object('apps/v1', 'StatefulSet'), 'progressing', true],
  ['a DaemonSet by its rule', object('apps/v1', 'DaemonSet'), 'progressing', true],
  ['a Job by its rule', object('batch/v1', 'Job'), 'progressing', true],
  ['a PersistentVolumeClaim by its rule', object('v1', 'PersistentVolumeClaim'), 'progressing', true],
  [
    'a Service by its rule',
    object('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }),
    'progressing',
    true,
  ],
  ['a ConfigMap by existing', object('v1', 'ConfigMap'), 'healthy', false],
  [
    'a custom resource called Deployment by existing',
    object('example.com/v1', 'Deployment'),
    'healthy',
    false,
  ],
];

for (const [what, input, status, ruled] of table) {
  test(`objectHealth judges ${what}`, () => {
    assert.equal(objectHealth(input).status, status);
    assert.equal(hasHealthRule(input), ruled);
  });
}
