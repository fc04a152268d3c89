import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Difference, objectDifferences, SECRET_VALUE } from './drift-differences.ts';
import type { KubeObject } from './kube-object.ts';

const deployment = (fields: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, ...metadata },
  ...fields,
});

const containers = (...list: Record<string, unknown>[]) => ({
  spec: { replicas: 2, template: { spec: { containers: list } } },
});

const web = { name: 'web', image: 'shop/web:1', env: [{ name: 'MODE', value: 'live' }] };
const sidecar = { name: 'sidecar', image: 'shop/sidecar:1' };

// [what, expected (dry run), actual (live), differences]
const table: Array<[string, KubeObject, KubeObject, Difference[]]> = [
  [
    'nothing for equal objects',
    deployment(containers(web, sidecar)),
    deployment(containers(web, sidecar)),
    [],
  ],
  [
    'nothing for fields the server writes',
    deployment(containers(web), {
      resourceVersion: '10',
      generation: 3,
      uid: 'a',
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'gantry' }],
    }),
    deployment(
      { ...containers(web), status: { replicas: 2 } },
      {
        resourceVersion: '9',
        generation: 2,
        uid: 'a',
        creationTimestamp: '2026-01-01T00:00:00Z',
        managedFields: [{ manager: 'kubectl' }],
      },
    ),
    [],
  ],
  [
    'a changed image by the container index',
    deployment(containers(web, sidecar)),
    deployment(containers(web, { ...sidecar, image: 'shop/sidecar:2' })),
    [
      {
        path: '/spec/template/spec/containers/1/image',
        expected: 'shop/sidecar:1',
        actual: 'shop/sidecar:2',
      },
    ],
  ],
  [
    'named items by name, wherever they moved',
    deployment(containers(web, sidecar)),
    deployment(containers({ ...sidecar, image: 'shop/sidecar:2' }, web)),
    [
      {
        path: '/spec/template/spec/containers/0/image',
        expected: 'shop/sidecar:1',
        actual: 'shop/sidecar:2',
      },
    ],
  ],
  [
    'a named item gone from the live list',
    deployment(containers(web, sidecar)),
    deployment(containers(web)),
    [{ path: '/spec/template/spec/containers/1', expected: sidecar }],
  ],
  [
    'a changed number and a removed label',
    deployment(containers(web)),
    deployment({ spec: { replicas: 5, template: { spec: { containers: [web] } } } }, { labels: {} }),
    [
      { path: '/metadata/labels/app', expected: 'web' },
      { path: '/spec/replicas', expected: 2, actual: 5 },
    ],
  ],
  [
    'unnamed lists by position, keys escaped as JSON Pointer',
    deployment({ spec: { args: ['a', 'b'] } }, { annotations: { 'example.com/x~y': '1' } }),
    deployment({ spec: { args: ['a', 'c', 'd'] } }, { annotations: { 'example.com/x~y': '2' } }),
    [
      { path: '/metadata/annotations/example.com~1x~0y', expected: '1', actual: '2' },
      { path: '/spec/args/1', expected: 'b', actual: 'c' },
      { path: '/spec/args/2', actual: 'd' },
    ],
  ],
  [
    'no difference in which deployment applied it last (a failed one re-applies the same objects)',
    deployment(containers(web), { annotations: { 'gantry.dev/deployment': '7' } }),
    deployment(containers(web), { annotations: { 'gantry.dev/deployment': '9' } }),
    [],
  ],
  [
    'a value of another type',
    deployment({ spec: { selector: { matchLabels: { app: 'web' } } } }),
    deployment({ spec: { selector: 'app=web' } }),
    [{ path: '/spec/selector', expected: { matchLabels: { app: 'web' } }, actual: 'app=web' }],
  ],
];

for (const [what, expected, actual, differences] of table) {
  test(`objectDifferences finds ${what}`, () => {
    assert.deepEqual(
      objectDifferences(expected, actual).sort((a, b) => a.path.localeCompare(b.path)),
      differences,
    );
  });
}

const secret = (data: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'env', annotations: { owner: 'shop', ...annotations } },
  data,
});

test('objectDifferences tells that Secret values differ, never what they are', () => {
  const differences = objectDifferences(
    secret(
      { password: 'c2VjcmV0', token: 'dG9rZW4=' },
      { 'kubectl.kubernetes.io/last-applied-configuration': 'x' },
    ),
    {
      ...secret({ password: 'b3RoZXI=', extra: 'ZXh0cmE=' }, { owner: 'ops' }),
    },
  );
  assert.deepEqual(
    differences.sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: '/data/extra', actual: SECRET_VALUE },
      { path: '/data/password', expected: SECRET_VALUE, actual: SECRET_VALUE },
      { path: '/data/token', expected: SECRET_VALUE },
      {
        path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
        expected: SECRET_VALUE,
      },
      { path: '/metadata/annotations/owner', expected: 'shop', actual: 'ops' },
    ],
  );
  assert.doesNotMatch(JSON.stringify(differences), /c2VjcmV0|b3RoZXI|dG9rZW4|ZXh0cmE/);
});

test('objectDifferences masks Secret values inside a whole map that differs, keeping the keys', () => {
  const live: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'env' } };
  const lastApplied = {
    'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}',
  };
  assert.deepEqual(objectDifferences(secret({ password: 'c2VjcmV0' }, lastApplied), live), [
    {
      path: '/metadata/annotations',
      expected: { owner: 'shop', 'kubectl.kubernetes.io/last-applied-configuration': SECRET_VALUE },
    },
    { path: '/data', expected: { password: SECRET_VALUE } },
  ]);
});
