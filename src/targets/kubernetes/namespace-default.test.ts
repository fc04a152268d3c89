import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './kube-object.ts';
import { defaultNamespaces, type IsNamespaced } from './namespace-default.ts';

const clusterScoped = new Set(['Namespace', 'ClusterRole', 'CustomResourceDefinition']);
const isNamespaced: IsNamespaced = (_apiVersion, kind) => !clusterScoped.has(kind);
const environment = { namespace: 'shop-production', isNamespaced };

const object = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: namespace === undefined ? { name } : { name, namespace },
});

test('namespaced objects get the environment namespace; cluster-scoped ones get none', () => {
  const cases: Array<[KubeObject, string | undefined]> = [
    [object('apps/v1', 'Deployment', 'web'), 'shop-production'],
    [object('v1', 'ConfigMap', 'c', 'shop-production'), 'shop-production'],
    [object('example.com/v1', 'Widget', 'w'), 'shop-production'],
    [object('v1', 'Namespace', 'shop-production'), undefined],
    [object('v1', 'Namespace', 'other', 'other'), undefined],
    [object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', 'shop-production'), undefined],
    [object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'), undefined],
  ];
  const input = cases.map(([given]) => given);
  const before = structuredClone(input);
  const result = defaultNamespaces(input, environment);
  cases.forEach(([given, namespace], index) => {
    assert.equal(result[index]!.metadata.namespace, namespace, `${given.kind} ${given.metadata.name}`);
    assert.equal(Object.hasOwn(result[index]!.metadata, 'namespace'), namespace !== undefined);
  });
  assert.equal(result[1], input[1], 'an object already right is not copied');
  assert.deepEqual(input, before, 'the input is left as it was');
});

test('Namespace objects are cluster-scoped whatever the callback says', () => {
  const [namespace] = defaultNamespaces([object('v1', 'Namespace', 'shop-production')], {
    namespace: 'shop-production',
    isNamespaced: () => true,
  });
  assert.equal(namespace!.metadata.namespace, undefined);
});

test('refuses objects of another namespace and objects defined twice', () => {
  const cases: Array<[KubeObject[], string]> = [
    [
      [object('apps/v1', 'Deployment', 'web', 'other')],
      'Deployment web sets namespace other; Gantry deploys this environment to shop-production',
    ],
    [
      [object('apps/v1', 'Deployment', 'web'), object('apps/v1', 'Deployment', 'web', 'shop-production')],
      'Deployment shop-production/web is defined twice in the manifests',
    ],
    [
      [
        object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r'),
        object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', 'x'),
      ],
      'ClusterRole r is defined twice in the manifests',
    ],
  ];
  for (const [objects, message] of cases) {
    assert.throws(() => defaultNamespaces(objects, environment), { code: 'validation_failed', message });
  }
  assert.equal(
    defaultNamespaces([object('apps/v1', 'Deployment', 'web'), object('v1', 'Service', 'web')], environment)
      .length,
    2,
    'same name, other kind: two objects',
  );
});
