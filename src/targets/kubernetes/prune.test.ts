import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectRef } from './kube-object.ts';
import { refsToPrune } from './prune.ts';

const web: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const settings: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' };
const worker: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'worker' };
const crd: ObjectRef = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  name: 'widgets.example.com',
};

// [case, previous, next, expected to prune]
const cases: Array<[string, ObjectRef[], ObjectRef[], ObjectRef[]]> = [
  ['nothing before', [], [web], []],
  ['nothing dropped', [web, settings], [settings, web], []],
  ['one dropped', [web, settings, worker], [web, settings], [worker]],
  ['everything dropped (keeps the previous order)', [settings, worker, web], [], [settings, worker, web]],
  ['a new version of the same group is the same object', [web], [{ ...web, apiVersion: 'apps/v1beta2' }], []],
  [
    'the same name in another group is another object',
    [web],
    [{ ...web, apiVersion: 'example.com/v1' }],
    [web],
  ],
  ['the same name in another namespace is another object', [web], [{ ...web, namespace: 'other' }], [web]],
  [
    'the same name as another kind is another object',
    [settings],
    [{ ...settings, kind: 'Secret' }],
    [settings],
  ],
  ['cluster-scoped objects', [crd, web], [web], [crd]],
];

for (const [name, previous, next, expected] of cases) {
  test(`refsToPrune: ${name}`, () => assert.deepEqual(refsToPrune(previous, next), expected));
}
